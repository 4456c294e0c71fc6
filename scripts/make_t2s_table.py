#!/usr/bin/env python3
"""Derives data/t2s.tsv, the traditional -> simplified character table of the search keys.

Sources, in order of precedence:

1. OpenCC's TSCharacters (traditional -> simplified, first candidate of each entry);
2. OpenCC's HKVariantsRev and TWVariantsRev (Hong Kong and Taiwan variant forms -> the standard
   traditional form), followed through TSCharacters: 説 -> 說 -> 说, 衞 -> 衛 -> 卫, 裡 -> 裏 -> 里;
3. Unihan's kSimplifiedVariant for the rarer characters OpenCC does not list (first value; a
   character listing itself among its simplified variants, as 乾 does, is left alone), its target
   followed through 1 and 2 so that every key ends on one simplified character.

A character of GB 2312 (the simplified standard set) is a key only when OpenCC and Unihan both call
it a traditional form (後 -> 后, 於 -> 于), so that a query typed in simplified characters folds to
itself; chains stop at the first GB 2312 character (麼 -> 么, not on to 幺). Each map is one character to one character; a mapping whose target is
not a single character is left out.

Inputs: Debian's opencc package ships the OpenCC dictionaries compiled (/usr/share/opencc/*.ocd2);
this script converts them to text with `opencc_dict`. Unihan_Variants.txt comes from Debian's
unicode-data package (/usr/share/unicode/, bzip2-compressed). Usage:

    scripts/make_t2s_table.py [OPENCC_DIR] [UNIHAN_DIR] [OUT_DIR]
"""
import os
import subprocess
import sys
import tempfile

from make_pinyin_table import read_fields  # the Unihan reader both tables share


def opencc_table(directory, name):
    """Reads an OpenCC dictionary as {key: [candidates]}, from .txt or by converting .ocd2."""
    text = os.path.join(directory, name + ".txt")
    if not os.path.exists(text):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, name + ".txt")
            subprocess.run(["opencc_dict", "-i", os.path.join(directory, name + ".ocd2"),
                            "-f", "ocd2", "-o", out, "-t", "text"], check=True)
            return opencc_table(tmp, name)
    table = {}
    with open(text, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            key, values = line.split("\t", 1)
            table[key] = values.split(" ")
    return table


def unihan_simplified(directory):
    fields, version = read_fields(directory, "Unihan_Variants.txt", {"kSimplifiedVariant"})
    table = {chr(cp): [chr(int(t[2:], 16)) for t in f["kSimplifiedVariant"].split()]
             for cp, f in fields.items()}
    return table, version


def is_simplified_standard(ch):
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def main():
    opencc_dir = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/opencc"
    unihan_dir = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/unicode"
    out = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "..", "data")

    ts = {k: v[0] for k, v in opencc_table(opencc_dir, "TSCharacters").items()
          if len(k) == 1 and len(v[0]) == 1}
    variants = {}
    for name in ("HKVariantsRev", "TWVariantsRev"):
        for k, v in opencc_table(opencc_dir, name).items():
            if len(k) == 1 and len(v[0]) == 1:
                variants.setdefault(k, v[0])
    unihan, version = unihan_simplified(unihan_dir)

    def settle(ch):
        """Follows variant and traditional maps until a simplified-standard character."""
        for _ in range(4):
            if ch in ts:
                ch = ts[ch]
            elif ch in variants:
                ch = variants[ch]
            else:
                break
            if is_simplified_standard(ch):
                break
        return ch

    def unihan_target(k):
        targets = unihan.get(k, [])
        return None if not targets or k in targets else targets[0]

    table = {}
    for k in list(ts) + list(variants) + list(unihan):
        if len(k) != 1 or k in table:
            continue
        if is_simplified_standard(k):
            # A GB 2312 character is mapped only when OpenCC and Unihan both call it a
            # traditional form (後 -> 后, 於 -> 于); 乾 and 么 stay as typed.
            if k in ts and unihan_target(k) is not None:
                table[k] = ts[k]
            continue
        if k in ts or k in variants:
            table[k] = settle(k)
        elif unihan_target(k) is not None:
            table[k] = settle(unihan_target(k))

    rows = sorted((k, v) for k, v in table.items() if k != v and len(v) == 1)
    with open(os.path.join(out, "t2s.tsv"), "w", encoding="utf-8") as f:
        f.write("# Traditional and variant -> simplified Han characters, one to one, for search keys only.\n")
        f.write("# Sources: OpenCC dictionaries (Apache-2.0) TSCharacters, HKVariantsRev, TWVariantsRev\n")
        f.write("# (first candidate; variants followed to the simplified form), then Unicode Han Database\n")
        f.write("# (Unihan) %s Unihan_Variants.txt kSimplifiedVariant for characters OpenCC omits.\n" % version)
        f.write("# GB 2312 characters are never keys. Generated by scripts/make_t2s_table.py.\n")
        f.write("# Columns: traditional or variant, simplified.\n")
        for k, v in rows:
            f.write("%s\t%s\n" % (k, v))


if __name__ == "__main__":
    main()
