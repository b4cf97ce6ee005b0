-- A real editor as the language server's client (Neovim 0.7 and later).
--
-- Opens $ASL_LINT_FILE, starts `$ASL_LINT_BIN --lsp` with
-- vim.lsp.start_client (vim.lsp.start came in 0.8), waits for diagnostics,
-- writes them to $ASL_LINT_OUT as JSON (with the server's own UTF-16 ranges),
-- then asks for code actions on the first diagnostic, applies the preferred
-- quick fix with vim.lsp.util.apply_workspace_edit, and writes the buffer.
-- Run: nvim --headless -u NONE -i NONE -n -c "luafile scripts/nvim_lsp.lua"

local bin = os.getenv("ASL_LINT_BIN")
local file = os.getenv("ASL_LINT_FILE")
local out = os.getenv("ASL_LINT_OUT")

local function finish(result)
  local f = io.open(out, "w")
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd("qall!")
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = "asl-lint",
  cmd = { bin, "--lsp" },
  root_dir = vim.fn.fnamemodify(file, ":h"),
})
if not client_id then
  finish({ error = "the client did not start" })
  return
end
vim.lsp.buf_attach_client(buf, client_id)

local got = vim.wait(30000, function()
  return #vim.diagnostic.get(buf) > 0
end, 50)
if not got then
  finish({ error = "no diagnostics within 30 s" })
  return
end

-- vim.diagnostic counts columns in bytes; the protocol in UTF-16 units.
local function utf16(lnum, col)
  local line = vim.api.nvim_buf_get_lines(buf, lnum, lnum + 1, false)[1] or ""
  local _, units = vim.str_utfindex(line, math.min(col, #line))
  return units
end

local result = { diagnostics = {} }
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local lsp = (d.user_data or {}).lsp or {}
  table.insert(result.diagnostics, {
    lnum = d.lnum,
    col = d.col,
    code = d.code or lsp.code,
    message = d.message,
    range = {
      start = { line = d.lnum, character = utf16(d.lnum, d.col) },
      ["end"] = { line = d.end_lnum, character = utf16(d.end_lnum, d.end_col) },
    },
  })
end
table.sort(result.diagnostics, function(a, b)
  if a.lnum ~= b.lnum then return a.lnum < b.lnum end
  return a.col < b.col
end)

-- The quick fix for the first diagnostic that has a preferred one.
for _, d in ipairs(result.diagnostics) do
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = d.range,
    context = { diagnostics = {} },
  }
  local responses = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 10000) or {}
  for _, response in pairs(responses) do
    for _, action in ipairs(response.result or {}) do
      if action.isPreferred and action.edit and not result.applied then
        vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")
        result.applied = action.title
      end
    end
  end
  if result.applied then break end
end
vim.cmd("write")
vim.lsp.stop_client(client_id)
finish(result)
