#!/usr/bin/env python3
"""Writes the Word templates of the forms under data/forms/: the parts of a .docx as plain XML
files, so that a change to a form is a readable diff. talentpool fills each {{key}} of
word/document.xml (registry/forms/) and zips the parts.

student_form/: the 学员情况表. The boxes follow 附件1 of the 2024 notice (SPEC.md [000]), six
columns wide, plus a row of 最高学历, 学位 and 擅长领域.
honour_form/: an honour campaign's 推荐表, its boxes written by the registry into one table row.
summary_sheet/: a round's 推荐学员汇总表 (附件1 of the 2025 notice, [001]), A4 landscape: the
title, the lines of 推荐单位, 联系人及电话 and 填表日期, and the table, whose heading row Word
repeats on every page. Its one body row holds {{cell0}}…{{cell11}}; talentpool writes it once per
person.

Every value sits alone in a run's <w:t xml:space="preserve">, which is what the filler expects.
Usage: scripts/make_student_form_template.py [OUT_ROOT]  (default data/forms)
"""
import os
import sys

W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'
R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# A4 with 2 cm side margins, in twentieths of a point; the six columns fill the width between.
PAGE_W, PAGE_H, SIDE = 11906, 16838, 1134
COLUMNS = [1640, 1840, 1200, 1840, 1200]
COLUMNS.append(PAGE_W - 2 * SIDE - sum(COLUMNS))

# Rows: (pairs of (key, label, label columns, value columns), least height in twips).
ROWS = [
    ([('name', '姓名', 1, 1), ('gender', '性别', 1, 1), ('birth_date', '出生日期', 1, 1)], 600),
    ([('native_place', '籍贯', 1, 1), ('birthplace', '出生地', 1, 1),
      ('ethnic_group', '民族', 1, 1)], 600),
    ([('political_affiliation', '政治面貌', 1, 1), ('id_number', '身份证号', 1, 3)], 600),
    ([('foreign_residence', '是否有国外永久居留权', 1, 1), ('hobbies', '特长爱好', 1, 3)], 600),
    ([('email', '电子邮箱', 1, 1), ('phone', '手机', 1, 1), ('academician', '是否院士', 1, 1)], 600),
    ([('address', '通讯地址', 1, 3), ('postcode', '邮编', 1, 1)], 600),
    ([('unit_and_post', '工作单位及职务', 1, 3), ('title', '技术职称', 1, 1)], 600),
    ([('education', '最高学历', 1, 1), ('degree', '学位', 1, 1), ('fields', '擅长领域', 1, 1)], 600),
    ([('congress_posts', '在市级（含）以上人大、政协任职情况', 2, 4)], 680),
    ([('association_posts', '在市级（含）以上科协组织、学术社团、行业协会等任职情况', 2, 4)], 680),
    ([('united_front_groups', '是否加入知联会、海联会、新联会等社团', 2, 4)], 680),
    ([('other_posts', '其他社会职务', 1, 5)], 680),
    ([('career', '主要工作和学习经历', 1, 5)], 3800),
    ([('achievements', '主要成就（工作成绩、成果、受奖励和荣誉称号等）', 1, 5)], 4400),
    ([('opinion', '推荐单位意见', 1, 5)], 1900),
]


def paragraph(style, text, placeholder=False):
    space = ' xml:space="preserve"' if placeholder else ''
    return (f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
            f'<w:r><w:t{space}>{text}</w:t></w:r></w:p>')


def cell(width, span, content, center):
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if center:
        props += '<w:vAlign w:val="center"/>'
    return f'<w:tc><w:tcPr>{props}</w:tcPr>{content}</w:tc>'


def table():
    grid = ''.join(f'<w:gridCol w:w="{w}"/>' for w in COLUMNS)
    borders = ''.join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ('top', 'left', 'bottom', 'right', 'insideH', 'insideV'))
    out = ['<w:tbl><w:tblPr>',
           f'<w:tblW w:w="{sum(COLUMNS)}" w:type="dxa"/><w:jc w:val="center"/>',
           f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>',
           '<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
           '</w:tblCellMar><w:tblLook w:val="0000"/>',
           f'</w:tblPr><w:tblGrid>{grid}</w:tblGrid>']
    for pairs, height in ROWS:
        out.append(f'<w:tr><w:trPr><w:trHeight w:val="{height}"/></w:trPr>')
        column = 0
        tall = height > 1000
        for key, label, label_span, value_span in pairs:
            width = sum(COLUMNS[column:column + label_span])
            out.append(cell(width, label_span, paragraph('FormLabel', label), True))
            column += label_span
            width = sum(COLUMNS[column:column + value_span])
            out.append(cell(width, value_span, paragraph('FormValue', '{{%s}}' % key, True),
                            not tall))
            column += value_span
        out.append('</w:tr>')
    out.append('</w:tbl>')
    return '\n'.join(out)


def document():
    section = (f'<w:sectPr><w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
               f'<w:pgMar w:top="1247" w:right="{SIDE}" w:bottom="1134" w:left="{SIDE}" '
               'w:header="851" w:footer="992" w:gutter="0"/>'
               '<w:cols w:space="425"/><w:docGrid w:type="lines" w:linePitch="312"/></w:sectPr>')
    return (HEAD + f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>\n' +
            paragraph('FormTitle', '学员情况表') + '\n' +
            paragraph('FormNumber', '编号：{{id}}　　打印：{{printed}}', True) + '\n' +
            table() + '\n' +
            paragraph('FormStamp', '推荐单位（盖章）　　　　　　年　　月　　日') + '\n' +
            section + '</w:body></w:document>\n')


# The 推荐学员汇总表: A4 landscape with 1.5 cm margins; the columns' widths in twips fill the
# width between them. The headings are those of the seed's table, in its order.
SUMMARY_SIDE = 850
SUMMARY_COLUMNS = [
    ('序号', 560), ('姓名', 1040), ('性别', 560), ('民族', 720), ('出生年月', 960),
    ('政治面貌', 1160), ('单位职务', 3000), ('最高学历', 1040), ('擅长领域', 2200),
    ('联系方式', 1560), ('可否参加专题研修班', 1160), ('可否参加国情研修活动', 1160),
]
# Columns whose short values sit in the middle of their cell.
SUMMARY_CENTERED = {'序号', '性别', '民族', '出生年月', '可否参加专题研修班', '可否参加国情研修活动'}


def summary_table():
    widths = [w for _, w in SUMMARY_COLUMNS]
    scale = (PAGE_H - 2 * SUMMARY_SIDE) / sum(widths)
    widths = [int(w * scale) for w in widths]
    grid = ''.join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    borders = ''.join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ('top', 'left', 'bottom', 'right', 'insideH', 'insideV'))
    out = ['<w:tbl><w:tblPr>',
           f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>',
           f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>',
           '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
           '</w:tblCellMar><w:tblLook w:val="0000"/>',
           f'</w:tblPr><w:tblGrid>{grid}</w:tblGrid>',
           # The heading row: repeated at the top of every page, never split.
           '<w:tr><w:trPr><w:cantSplit/><w:tblHeader/><w:trHeight w:val="560"/></w:trPr>']
    for (heading, _), width in zip(SUMMARY_COLUMNS, widths):
        out.append(cell(width, 1, paragraph('FormLabel', heading), True))
    out.append('</w:tr>')
    out.append('<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="480"/></w:trPr>')
    for i, ((heading, _), width) in enumerate(zip(SUMMARY_COLUMNS, widths)):
        style_id = 'SummaryCenter' if heading in SUMMARY_CENTERED else 'FormValue'
        out.append(cell(width, 1, paragraph(style_id, '{{cell%d}}' % i, True), True))
    out.append('</w:tr>')
    out.append('</w:tbl>')
    return '\n'.join(out)


def summary_document():
    section = (f'<w:sectPr><w:pgSz w:w="{PAGE_H}" w:h="{PAGE_W}" w:orient="landscape"/>'
               f'<w:pgMar w:top="1134" w:right="{SUMMARY_SIDE}" w:bottom="1134" '
               f'w:left="{SUMMARY_SIDE}" w:header="567" w:footer="567" w:gutter="0"/>'
               '<w:cols w:space="425"/><w:docGrid w:type="lines" w:linePitch="312"/></w:sectPr>')
    return (HEAD + f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>\n' +
            paragraph('FormTitle', '推荐学员汇总表') + '\n' +
            paragraph('SummaryHeading', '推荐单位：{{unit}}（加盖公章）', True) + '\n' +
            paragraph('SummaryHeading', '联系人及电话：{{contact}}', True) + '\n' +
            paragraph('SummaryHeading', '填表日期：{{date}}', True) + '\n' +
            summary_table() + '\n' +
            paragraph('FormNumber', '批次：{{round}}　　打印：{{printed}}', True) + '\n' +
            section + '</w:body></w:document>\n')


# The 推荐表 of an honour campaign (最美 [002], 优秀党员 [003]), A4 portrait: the title, the number
# and print line, and a table of four columns (label, value, label, value) whose one row holding
# {{boxes}} the registry replaces with the form's boxes (registry/forms/labelled_form_docx.cc):
# short boxes two to a row, long ones across, a table box (学习工作经历) as its own rows.
HONOUR_COLUMNS = [1500, 2900, 1500, 2900]


def honour_document():
    widths = [int(w * (PAGE_W - 2 * SIDE) / sum(HONOUR_COLUMNS)) for w in HONOUR_COLUMNS]
    grid = ''.join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    borders = ''.join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ('top', 'left', 'bottom', 'right', 'insideH', 'insideV'))
    table = '\n'.join([
        '<w:tbl><w:tblPr>',
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>',
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>',
        '<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
        '</w:tblCellMar><w:tblLook w:val="0000"/>',
        f'</w:tblPr><w:tblGrid>{grid}</w:tblGrid>',
        '<w:tr>' + cell(sum(widths), 4, paragraph('FormValue', '{{boxes}}', True), True) + '</w:tr>',
        '</w:tbl>'])
    section = (f'<w:sectPr><w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
               f'<w:pgMar w:top="1247" w:right="{SIDE}" w:bottom="1134" w:left="{SIDE}" '
               'w:header="851" w:footer="992" w:gutter="0"/>'
               '<w:cols w:space="425"/><w:docGrid w:type="lines" w:linePitch="312"/></w:sectPr>')
    return (HEAD + f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>\n' +
            paragraph('FormTitle', '{{title}}', True) + '\n' +
            paragraph('FormNumber', '编号：{{subject}}　　打印：{{printed}}', True) + '\n' +
            table + '\n' + section + '</w:body></w:document>\n')


def style(style_id, name, ppr='', rpr=''):
    return (f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
            f'<w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:qFormat/>'
            f'<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>')


def styles():
    hei = '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="黑体"/>'
    return (HEAD + f'<w:styles xmlns:w="{W}">'
            '<w:docDefaults><w:rPrDefault><w:rPr>'
            '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="宋体" '
            'w:cs="Times New Roman"/><w:kern w:val="2"/><w:sz w:val="21"/><w:szCs w:val="21"/>'
            '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
            '</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl w:val="0"/>'
            '<w:spacing w:after="0" w:line="300" w:lineRule="auto"/><w:jc w:val="both"/>'
            '</w:pPr></w:pPrDefault></w:docDefaults>'
            '<w:style w:type="paragraph" w:default="1" w:styleId="Normal">'
            '<w:name w:val="Normal"/><w:qFormat/></w:style>'
            '<w:style w:type="table" w:default="1" w:styleId="TableNormal">'
            '<w:name w:val="Normal Table"/><w:semiHidden/><w:unhideWhenUsed/>'
            '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
            '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
            '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
            '</w:tblCellMar></w:tblPr></w:style>' +
            style('FormTitle', 'Form Title', '<w:spacing w:after="120"/><w:jc w:val="center"/>',
                  hei + '<w:b/><w:sz w:val="36"/><w:szCs w:val="36"/>') +
            style('FormNumber', 'Form Number', '<w:spacing w:after="60"/><w:jc w:val="right"/>',
                  '<w:sz w:val="18"/><w:szCs w:val="18"/>') +
            style('FormLabel', 'Form Label', '<w:jc w:val="center"/>', hei) +
            style('FormValue', 'Form Value', '<w:jc w:val="left"/>') +
            style('FormStamp', 'Form Stamp', '<w:spacing w:before="120"/><w:jc w:val="right"/>') +
            style('SummaryHeading', 'Summary Heading', '<w:spacing w:after="60"/>',
                  '<w:sz w:val="24"/><w:szCs w:val="24"/>') +
            style('SummaryCenter', 'Summary Center', '<w:jc w:val="center"/>') +
            '</w:styles>\n')


def settings():
    return (HEAD + f'<w:settings xmlns:w="{W}"><w:defaultTabStop w:val="420"/>'
            '<w:characterSpacingControl w:val="compressPunctuation"/><w:compat>'
            '<w:compatSetting w:name="compatibilityMode" '
            'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
            '</w:compat></w:settings>\n')


MAIN = 'application/vnd.openxmlformats-officedocument.wordprocessingml'
CONTENT_TYPES = (
    HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/word/document.xml" ContentType="{MAIN}.document.main+xml"/>'
    f'<Override PartName="/word/styles.xml" ContentType="{MAIN}.styles+xml"/>'
    f'<Override PartName="/word/settings.xml" ContentType="{MAIN}.settings+xml"/>'
    '</Types>\n')
REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
PACKAGE_RELS = (
    HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/>'
    '</Relationships>\n')
DOCUMENT_RELS = (
    HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/settings" Target="settings.xml"/>'
    '</Relationships>\n')


def write_template(out, document_xml):
    parts = {
        '[Content_Types].xml': CONTENT_TYPES,
        '_rels/.rels': PACKAGE_RELS,
        'word/document.xml': document_xml,
        'word/styles.xml': styles(),
        'word/settings.xml': settings(),
        'word/_rels/document.xml.rels': DOCUMENT_RELS,
    }
    for name, text in parts.items():
        path = os.path.join(out, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', encoding='utf-8', newline='\n') as f:
            f.write(text)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, 'data', 'forms')
    write_template(os.path.join(out, 'student_form'), document())
    write_template(os.path.join(out, 'summary_sheet'), summary_document())
    write_template(os.path.join(out, 'honour_form'), honour_document())


if __name__ == '__main__':
    main()
