#include "registry/store/rekey.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "registry/store/crypto.h"
#include "registry/store/internal/store_impl.h"

namespace tp::registry {
namespace {

// Every column that holds sealed values, with the table whose row id binds them.
struct SealedColumn {
  const char* table;
  const char* column;
  const char* context_column;  // the name the value is bound to (SealContext)
  const char* id_column = "id";  // the row id the value is bound to
};
constexpr SealedColumn kSealedColumns[] = {
    {"persons", "id_number_enc", "id_number"},
    {"persons", "phone_enc", "phone"},
    {"recommendations", "submitted_enc", "submitted_enc"},
    {"upload_reports", "errors_xlsx", "errors_xlsx"},
    {"invitations", "contact_enc", "contact"},
    {"invitations", "form_enc", "form"},
    {"honour_forms", "form_enc", "form_enc", "recommendation_id"},
};

// The first bytes of a value sealed under `key_id`.
std::string HeaderOf(uint32_t key_id) {
  std::string h(5, '\0');
  h[0] = 0x02;
  h[1] = static_cast<char>(key_id >> 24);
  h[2] = static_cast<char>(key_id >> 16);
  h[3] = static_cast<char>(key_id >> 8);
  h[4] = static_cast<char>(key_id);
  return h;
}

std::optional<uint32_t> PendingKey(SQLite::Database& db) {
  SQLite::Statement st(db, "SELECT value FROM meta WHERE key='rekey_to'");
  if (!st.executeStep()) return std::nullopt;
  return static_cast<uint32_t>(std::stoul(st.getColumn(0).getString()));
}

}  // namespace

StatusOr<RekeyProgress> Rekey(Store& store, const RekeyOptions& options) {
  StoreImpl& impl = StoreImpl::Of(store);
  // Keys() is shared with every reader of this process; adding a key changes it for all.
  Keyring keys = store.Keys();
  RekeyProgress progress;
  try {
    std::optional<uint32_t> pending;
    {
      std::lock_guard lock(impl.write_mutex());
      pending = PendingKey(impl.writer());
    }
    if (pending) {
      progress.key_id = *pending;
      progress.resumed = true;
      if (keys.CurrentKeyId() < *pending) {
        return PreconditionFailed("密钥文件中没有登记库正在轮换到的密钥 " +
                                  std::to_string(*pending) + "（密钥文件被换过？）");
      }
    } else {
      TP_ASSIGN_OR_RETURN(auto added, keys.AddKey());
      progress.key_id = added;
      std::lock_guard lock(impl.write_mutex());
      SQLite::Statement note(impl.writer(),
                             "INSERT INTO meta(key, value) VALUES('rekey_to', ?) "
                             "ON CONFLICT(key) DO UPDATE SET value=excluded.value");
      note.bind(1, std::to_string(progress.key_id));
      note.exec();
    }
    const std::string header = HeaderOf(progress.key_id);
    for (;;) {
      int64_t pass = 0;
      for (const SealedColumn& c : kSealedColumns) {
        const std::string id_column = c.id_column;
        const std::string select = "SELECT " + id_column + ", " + c.column + " FROM " + c.table +
                                   " WHERE " + c.column + " IS NOT NULL AND substr(" + c.column +
                                   ", 1, 5) <> ? AND " + id_column + " > ? ORDER BY " + id_column +
                                   " LIMIT ?";
        const std::string update =
            std::string("UPDATE ") + c.table + " SET " + c.column + "=? WHERE " + id_column + "=?";
        int64_t after = 0;
        for (;;) {
          std::lock_guard lock(impl.write_mutex());
          SQLite::Database& w = impl.writer();
          SQLite::Transaction tx(w);
          std::vector<std::pair<int64_t, std::string>> rows;
          {
            SQLite::Statement st(w, select);
            st.bind(1, header.data(), static_cast<int>(header.size()));
            st.bind(2, after);
            st.bind(3, options.batch_rows);
            while (st.executeStep()) {
              SQLite::Column blob = st.getColumn(1);
              rows.emplace_back(
                  st.getColumn(0).getInt64(),
                  std::string(static_cast<const char*>(blob.getBlob()), blob.getBytes()));
            }
          }
          if (rows.empty()) break;
          SQLite::Statement up(w, update);
          for (const auto& [id, sealed] : rows) {
            const std::string context = SealContext(c.table, c.context_column, id);
            auto plain = keys.Open(sealed, context);
            if (!plain.ok()) {
              return Status(plain.status().code(), std::string(c.table) + " 第 " +
                                                       std::to_string(id) + " 行的 " + c.column +
                                                       "：" + plain.status().message());
            }
            up.reset();
            BindBlob(up, 1, keys.Seal(*plain, context));
            up.bind(2, id);
            up.exec();
          }
          tx.commit();
          after = rows.back().first;
          pass += static_cast<int64_t>(rows.size());
          progress.resealed += static_cast<int64_t>(rows.size());
          if (options.on_batch) options.on_batch(progress);
        }
      }
      if (pass == 0) break;
    }
    std::lock_guard lock(impl.write_mutex());
    SQLite::Database& w = impl.writer();
    SQLite::Transaction tx(w);
    w.exec("DELETE FROM meta WHERE key='rekey_to'");
    InsertAudit(w, {"cli", "", "rekey", "registry", std::to_string(progress.key_id),
                    "{\"resealed\":" + std::to_string(progress.resealed) + "}", ""});
    tx.commit();
    return progress;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e, "轮换密钥");
  }
}

}  // namespace tp::registry
