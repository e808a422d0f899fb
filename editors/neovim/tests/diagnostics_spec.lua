-- Real-client test of the plugin: run by tests/test_neovim_client.py as
--
--   nvim --headless --clean -u NONE -i NONE -c "luafile editors/neovim/tests/diagnostics_spec.lua"
--
-- with the environment:
--   ANRF_NVIM_PLUGIN  the plugin directory (editors/neovim)
--   ANRF_NVIM_CMD     the server command as a JSON array, e.g. ["/repo/.venv/bin/anrf", "lsp"]
--   ANRF_NVIM_FILE    a copy of examples/invalid/dangling_reference.anrf.json (it is edited)
--   ANRF_NVIM_INTENT  a file with an intent comment (`# anrf: ...`)
--   ANRF_NVIM_OUT     where to write the results (JSON) the Python side asserts on
--   ANRF_NVIM_API     optional: force "enable" | "start" | "start_client"
--
-- It loads the plugin, opens the ANRF file, waits for the server's diagnostics in
-- vim.diagnostic.get(), runs :AnrfStatus and :AnrfVerify, applies the "Create stub" quick fix
-- through vim.lsp.buf.code_action() (vim.ui.select answered by the test), waits for the
-- diagnostics to change, checks the intent-comment code action on a non-ANRF file, and stops the
-- server. Every wait has a timeout; the script always quits (exit status 1 on any failure).

local TIMEOUT = 30000
local out_path = os.getenv("ANRF_NVIM_OUT")
local result = { steps = {} }

local function step(name)
  table.insert(result.steps, name)
end

local function check(cond, message)
  if not cond then
    error(message, 2)
  end
end

local function wait(what, predicate, timeout)
  local ok = vim.wait(timeout or TIMEOUT, predicate, 50)
  check(ok, "timed out waiting for " .. what)
end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local function diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, { code = code_of(d), lnum = d.lnum, severity = d.severity, source = d.source })
  end
  table.sort(out, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and tostring(a.code) < tostring(b.code))
  end)
  return out
end

local function has_code(list, code)
  for _, d in ipairs(list) do
    if d.code == code then
      return d
    end
  end
  return nil
end

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n")
end

local function main()
  local version = vim.version()
  result.nvim = ("%d.%d.%d"):format(version.major, version.minor, version.patch)
  vim.opt.runtimepath:prepend(os.getenv("ANRF_NVIM_PLUGIN"))
  vim.opt.swapfile = false
  local anrf = require("anrf")
  local forced = os.getenv("ANRF_NVIM_API")
  forced = (forced ~= nil and forced ~= "") and forced or nil
  local available = { enable = vim.lsp.config ~= nil and vim.lsp.enable ~= nil, start = vim.lsp.start ~= nil, start_client = vim.lsp.start_client ~= nil }
  if forced and not available[forced] then
    result.skipped = "vim.lsp API '" .. forced .. "' is not in Neovim " .. result.nvim
    return
  end
  anrf.setup({
    cmd = vim.fn.json_decode(os.getenv("ANRF_NVIM_CMD")),
    settings = { debounceMs = 0 },
    api = forced,
  })
  result.api = anrf.api()
  result.notes = {}
  local notify = vim.notify
  vim.notify = function(message, level, opts)
    table.insert(result.notes, tostring(message))
    return notify(message, level, opts)
  end
  step("setup")

  -- 1. Open the invalid ANRF file: filetype, client, diagnostics.
  vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("ANRF_NVIM_FILE")))
  local bufnr = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[bufnr].filetype
  check(result.filetype == "anrf", "filetype is " .. tostring(result.filetype))
  wait("the ANRF client to attach", function()
    return anrf.client(bufnr) ~= nil and vim.lsp.buf_is_attached(bufnr, anrf.client(bufnr).id)
  end)
  wait("the keymaps (on_attach)", function()
    return vim.fn.maparg("<leader>av", "n") ~= ""
  end)
  result.keymap = vim.fn.maparg("<leader>av", "n")
  step("attached")
  wait("diagnostics", function()
    return #vim.diagnostic.get(bufnr) > 0
  end)
  -- The server publishes all findings of one check at once, but let a second publish land.
  vim.wait(300)
  result.before = diagnostics(bufnr)
  step("diagnostics")

  -- Inlay hints: the confidence hint after anrf_id (native where Neovim has them, else virtual text).
  result.hints = { labels = {} }
  if vim.lsp.inlay_hint and type(vim.lsp.inlay_hint) == "table" and vim.lsp.inlay_hint.get then
    result.hints.mode = "native"
    wait("inlay hints", function()
      return #vim.lsp.inlay_hint.get({ bufnr = bufnr }) > 0
    end)
    for _, item in ipairs(vim.lsp.inlay_hint.get({ bufnr = bufnr })) do
      local label = item.inlay_hint.label
      table.insert(result.hints.labels, { line = item.inlay_hint.position.line, label = type(label) == "string" and label or label[1].value })
    end
  else
    result.hints.mode = "virtual_text"
    local ns = vim.api.nvim_create_namespace("anrf_inlay_hints")
    wait("inlay hint extmarks", function()
      return #vim.api.nvim_buf_get_extmarks(bufnr, ns, 0, -1, {}) > 0
    end)
    for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(bufnr, ns, 0, -1, { details = true })) do
      table.insert(result.hints.labels, { line = mark[2], label = vim.trim(mark[4].virt_text[1][1]) })
    end
  end
  step("inlay hints")

  -- 2. :AnrfStatus (statusline) and :AnrfVerify (location list).
  anrf.last_status = nil
  vim.cmd("AnrfStatus")
  wait("anrf.status", function()
    return anrf.last_status ~= nil
  end)
  result.statusline = anrf.statusline()
  result.status_settings = anrf.last_status.settings
  vim.cmd("AnrfVerify")
  wait("anrf.verify", function()
    local list = vim.fn.getloclist(0, { title = 1, items = 1 })
    return list.title == "ANRF verify" and #list.items > 0
  end)
  result.verify = {}
  for _, item in ipairs(vim.fn.getloclist(0)) do
    table.insert(result.verify, { text = item.text, lnum = item.lnum })
  end
  step("commands")

  -- 3. The quick fix at the ANRF104 diagnostic, through the user's path: vim.lsp.buf.code_action().
  local dangling = nil
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if code_of(d) == "ANRF104" then
      dangling = d
    end
  end
  check(dangling ~= nil, "no ANRF104 diagnostic")
  vim.api.nvim_win_set_cursor(0, { dangling.lnum + 1, dangling.col })
  local text_before = buffer_text(bufnr)
  local offered = {}
  local picked = false
  vim.ui.select = function(items, opts, on_choice)
    for i, item in ipairs(items) do
      local title = opts.format_item and opts.format_item(item) or tostring(item)
      table.insert(offered, title)
      if not picked and title:match("Create stub") then
        picked = true
        on_choice(item, i)
      end
    end
    if not picked then
      on_choice(nil, nil)
    end
  end
  if vim.fn.has("nvim-0.8") == 1 then
    vim.lsp.buf.code_action({ context = { only = { "quickfix" } } })
  else
    vim.lsp.buf.code_action({ only = { "quickfix" } }) -- 0.7: the argument is the context itself
  end
  wait("the code actions", function()
    return #offered > 0
  end)
  result.offered = offered
  check(picked, "no 'Create stub' quick fix among: " .. table.concat(offered, " | "))
  wait("the edit", function()
    return buffer_text(bufnr) ~= text_before
  end)
  result.stub_in_text = buffer_text(bufnr):find('"node_id": "exec_node_9"', 1, true) ~= nil
  wait("diagnostics without ANRF104", function()
    return has_code(diagnostics(bufnr), "ANRF104") == nil and #vim.diagnostic.get(bufnr) > 0
  end)
  vim.wait(300)
  result.after = diagnostics(bufnr)
  result.text_after = buffer_text(bufnr) .. "\n"
  step("quickfix")

  -- 4. Any file reaches the server (intent comments): a Generate action, no ANRF diagnostics.
  vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("ANRF_NVIM_INTENT")))
  local py = vim.api.nvim_get_current_buf()
  wait("the client on the intent file", function()
    return anrf.client(py) ~= nil and vim.lsp.buf_is_attached(py, anrf.client(py).id)
  end)
  local client = anrf.client(py)
  vim.api.nvim_win_set_cursor(0, { 1, 4 })
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.context = { diagnostics = {}, only = { "refactor.anrf" } }
  local responses = vim.lsp.buf_request_sync(py, "textDocument/codeAction", params, TIMEOUT) or {}
  result.intent_actions = {}
  for _, response in pairs(responses) do
    for _, action in ipairs(response.result or {}) do
      local command = type(action.command) == "table" and action.command or action
      table.insert(result.intent_actions, { title = action.title, command = command.command, text = command.arguments and command.arguments[1] and command.arguments[1].text })
    end
  end
  result.intent_diagnostics = #vim.diagnostic.get(py)
  step("intent")

  -- 5. "Generate from intent" through vim.lsp.buf.code_action(), as a user picks it: feedback while it
  -- runs and when it is done, the new file beside (the cursor stays on the comment), and the
  -- comment's inlay hint without another edit (workspace/inlayHint/refresh).
  local picked_generate = false
  vim.ui.select = function(items, opts, on_choice)
    for i, item in ipairs(items) do
      local title = opts.format_item and opts.format_item(item) or tostring(item)
      if not picked_generate and title:match("Generate from intent") then
        picked_generate = true
        on_choice(item, i)
        return
      end
    end
    on_choice(nil, nil)
  end
  local py_win = vim.api.nvim_get_current_win()
  vim.api.nvim_win_set_cursor(0, { 1, 4 })
  if vim.fn.has("nvim-0.8") == 1 then
    vim.lsp.buf.code_action({ context = { only = { "refactor.anrf" } } })
  else
    vim.lsp.buf.code_action({ only = { "refactor.anrf" } })
  end
  wait("the Generate code action", function()
    return picked_generate
  end)
  local function noted(pattern)
    for _, note in ipairs(result.notes) do
      if note:match(pattern) then
        return note
      end
    end
    return nil
  end
  wait("the generation's outcome message", function()
    return noted("^ANRF: generated ") ~= nil or noted("^ANRF: declined") ~= nil or noted("failed") ~= nil
  end, 60000)
  result.generate_notes = vim.deepcopy(result.notes)
  result.focus_kept = vim.api.nvim_get_current_win() == py_win and vim.api.nvim_get_current_buf() == py
  result.generated_windows = {}
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    local name = vim.api.nvim_buf_get_name(vim.api.nvim_win_get_buf(win))
    if name:match("/anrf/[^/]+%.anrf%.json$") then
      table.insert(result.generated_windows, vim.fn.fnamemodify(name, ":t"))
    end
  end
  local function comment_hints()
    local labels = {}
    if vim.lsp.inlay_hint and type(vim.lsp.inlay_hint) == "table" and vim.lsp.inlay_hint.get then
      for _, item in ipairs(vim.lsp.inlay_hint.get({ bufnr = py })) do
        local label = item.inlay_hint.label
        table.insert(labels, type(label) == "string" and label or label[1].value)
      end
    else
      local ns = vim.api.nvim_create_namespace("anrf_inlay_hints")
      for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(py, ns, 0, -1, { details = true })) do
        table.insert(labels, vim.trim(mark[4].virt_text[1][1]))
      end
    end
    return labels
  end
  wait("the comment's inlay hint (no edit since the generation)", function()
    return #comment_hints() > 0
  end)
  result.comment_hints = comment_hints()
  local hover = vim.fn.maparg("K", "n", false, true)
  result.hover_mapped = type(hover) == "table" and (hover.callback ~= nil or (hover.rhs or ""):match("hover") ~= nil) and hover.buffer == 1
  result.omnifunc = vim.bo[py].omnifunc
  step("generate")

  -- 6. Stop the server cleanly.
  local ids = {}
  for _, c in ipairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    table.insert(ids, c.id)
  end
  result.clients = #ids
  vim.lsp.stop_client(ids)
  wait("the server to exit", function()
    for _, id in ipairs(ids) do
      if vim.lsp.get_client_by_id(id) ~= nil then
        return false
      end
    end
    return true
  end, 10000)
  step("stopped")
end

local ok, err = xpcall(main, debug.traceback)
result.ok = ok
result.error = not ok and tostring(err) or nil
local file = io.open(out_path, "w")
if file then
  file:write(vim.fn.json_encode(result))
  file:close()
end
if ok then
  vim.cmd("qall!")
else
  io.stderr:write(tostring(err) .. "\n")
  vim.cmd("cquit 1")
end
