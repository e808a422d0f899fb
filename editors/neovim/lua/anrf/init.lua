-- ANRF for Neovim: starts `anrf lsp` with the built-in LSP client, detects *.anrf.json, and adds
-- :AnrfGenerate, :AnrfAnalyze, :AnrfVerify, :AnrfAccept, :AnrfReject, :AnrfStatus (and :AnrfCancel).
--
--   require("anrf").setup({ cmd = { "anrf", "lsp" }, settings = { debounceMs = 150 }, keymaps = true })
--
-- Works on Neovim 0.7 and later: `vim.lsp.config` + `vim.lsp.enable` on 0.11+, `vim.lsp.start` on
-- 0.8-0.10, `vim.lsp.start_client` + `vim.lsp.buf_attach_client` on 0.7. Inlay hints use
-- `vim.lsp.inlay_hint` where it exists (0.10+, and the older nightly signatures), else virtual text.

local M = {}

local uv = vim.uv or vim.loop
local NAME = "anrf"

-- The commands: one line each. `argument`: "intent" (the server's code action at the cursor or
-- selection, else the command's arguments as the text, else a prompt), "document" ({uri} of the
-- buffer) or "none". The VS Code extension has the same table (editors/vscode/src/config.ts).
M.commands = {
  { name = "AnrfGenerate", key = "generate", server = "anrf.generate", argument = "intent", kind = "refactor.anrf", desc = "ANRF: generate from the intent comment or selection" },
  { name = "AnrfAnalyze", key = "analyze", server = "anrf.analyzeIntent", argument = "intent", kind = "refactor.anrf", desc = "ANRF: analyze the intent (structured intent)" },
  { name = "AnrfVerify", key = "verify", server = "anrf.verify", argument = "document", desc = "ANRF: run every check on this file" },
  { name = "AnrfAccept", key = "accept", server = "anrf.accept", argument = "document", desc = "ANRF: accept this generated file" },
  { name = "AnrfReject", key = "reject", server = "anrf.reject", argument = "document", desc = "ANRF: reject this generated file" },
  { name = "AnrfStatus", key = "status", server = "anrf.status", argument = "none", desc = "ANRF: server status (backend, models)" },
  { name = "AnrfImportPython", key = "import_python", server = "anrf.importPython", argument = "document", desc = "ANRF: import this Python file as a new .anrf.json" },
  { name = "AnrfExportPython", key = "export_python", server = "anrf.exportPython", argument = "document", desc = "ANRF: export this document as a new .py" },
}

M.default_keymaps = {
  generate = "<leader>ag",
  analyze = "<leader>ai",
  verify = "<leader>av",
  accept = "<leader>aa",
  reject = "<leader>ar",
  status = "<leader>as",
  code_action = "<leader>af", -- quick fixes and the workflow actions at the cursor
  hover = "K",
}

M.defaults = {
  cmd = nil, -- default: { "anrf", "lsp" } (or { python, "-m", "anrf_lsp", "lsp" } with `python`)
  python = nil, -- an interpreter that has anrf-lsp installed
  settings = {}, -- the server's settings (the `anrf` section), camelCase: { debounceMs = 150, server = { url = "..." } }
  filetypes = nil, -- nil: every file buffer (intent comments work in any language); or e.g. { "anrf", "python" }
  root_markers = { ".git", "pyproject.toml", "anrf" },
  keymaps = true, -- true: M.default_keymaps; false: none; a table: overrides (a key set to false is left unmapped)
  inlay_hints = true,
  on_attach = nil, -- function(client, bufnr)
  capabilities = nil, -- merged into vim.lsp.protocol.make_client_capabilities()
  api = nil, -- force "enable" | "start" | "start_client" (tests); default: the newest available
}

M.config = nil
M.last_status = nil
local state = { clients = {}, generation = nil, hint_timers = {}, hint_buffers = {} }

local function has(version)
  return vim.fn.has("nvim-" .. version) == 1
end

local function notify(message, level)
  vim.notify("ANRF: " .. message, level or vim.log.levels.INFO)
end

-- -- small compatibility layer -------------------------------------------------------------

local function all_clients()
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ name = NAME })
  end
  local out = {}
  for _, client in pairs(vim.lsp.get_active_clients()) do
    if client.name == NAME then
      table.insert(out, client)
    end
  end
  return out
end

--- The ANRF client attached to `bufnr` (or any ANRF client).
function M.client(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local any
  for _, client in ipairs(all_clients()) do
    if vim.lsp.buf_is_attached(bufnr, client.id) then
      return client
    end
    any = any or client
  end
  return any
end

local function request(client, method, params, handler, bufnr)
  if has("0.11") then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function cancel_request(client, id)
  if has("0.11") then
    return client:cancel_request(id)
  end
  return client.cancel_request(id)
end

local function empty_dict()
  return vim.empty_dict and vim.empty_dict() or {}
end

-- -- starting the server -------------------------------------------------------------------

function M.server_cmd(opts)
  if opts.cmd and #opts.cmd > 0 then
    return opts.cmd
  end
  if opts.python and opts.python ~= "" then
    return { opts.python, "-m", "anrf_lsp", "lsp" }
  end
  return { "anrf", "lsp" }
end

local function find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  while dir and dir ~= "" do
    for _, marker in ipairs(markers) do
      if uv.fs_stat(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      break
    end
    dir = parent
  end
  return nil
end

function M.root_dir(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  return (name ~= "" and find_root(name, M.config.root_markers)) or vim.fn.getcwd()
end

local function is_anrf_buffer(bufnr)
  return vim.bo[bufnr].filetype == NAME or vim.api.nvim_buf_get_name(bufnr):match("%.anrf%.json$") ~= nil
end

--- Whether the server should get this buffer: files (not help, terminals...), of the configured filetypes.
function M.wants(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= "" then
    return false
  end
  if vim.api.nvim_buf_get_name(bufnr) == "" and not is_anrf_buffer(bufnr) then
    return false
  end
  local filetypes = M.config.filetypes
  return filetypes == nil or vim.tbl_contains(filetypes, vim.bo[bufnr].filetype) or (is_anrf_buffer(bufnr) and vim.tbl_contains(filetypes, NAME))
end

local function settings_section()
  local settings = M.config.settings
  if settings == nil or next(settings) == nil then
    return empty_dict()
  end
  return settings
end

local on_attach, native_hints, on_hint_refresh -- defined below

--- The client configuration (the same for every API).
function M.client_config(root_dir)
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  local handlers = {}
  if not native_hints() then
    capabilities = vim.tbl_deep_extend("force", capabilities, { workspace = { inlayHint = { refreshSupport = true } } })
    handlers["workspace/inlayHint/refresh"] = on_hint_refresh
  end
  if M.config.capabilities then
    capabilities = vim.tbl_deep_extend("force", capabilities, M.config.capabilities)
  end
  return {
    handlers = handlers,
    name = NAME,
    cmd = M.server_cmd(M.config),
    root_dir = root_dir,
    -- initializationOptions, and the answer to workspace/configuration for the `anrf` section
    init_options = { anrf = settings_section() },
    settings = { anrf = settings_section() },
    capabilities = capabilities,
    on_attach = function(client, bufnr)
      on_attach(client, bufnr)
    end,
  }
end

function M.api()
  if M.config.api then
    return M.config.api
  end
  if vim.lsp.config and vim.lsp.enable then
    return "enable"
  end
  if vim.lsp.start then
    return "start"
  end
  return "start_client"
end

--- Start the server for `bufnr` (or reuse the one of its root) and attach the buffer.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not M.wants(bufnr) then
    return nil
  end
  local root = M.root_dir(bufnr)
  local api = M.api()
  if api == "start" then
    return vim.lsp.start(M.client_config(root), { bufnr = bufnr })
  end
  -- Neovim 0.7: one client per root, started once and attached to each buffer.
  local id = state.clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    local config = M.client_config(root)
    config.workspace_folders = { { uri = vim.uri_from_fname(root), name = root } }
    config.on_exit = function()
      state.clients[root] = nil
    end
    id = vim.lsp.start_client(config)
    if not id then
      notify("cannot start the language server: " .. table.concat(config.cmd, " "), vim.log.levels.ERROR)
      return nil
    end
    state.clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

-- -- inlay hints ---------------------------------------------------------------------------

local hint_ns = vim.api.nvim_create_namespace("anrf_inlay_hints")

local function enable_native_hints(bufnr)
  local hint = vim.lsp.inlay_hint
  if type(hint) == "function" then -- 0.10 nightlies: vim.lsp.inlay_hint(bufnr, enable)
    return pcall(hint, bufnr, true)
  end
  if type(hint) == "table" and hint.enable then
    -- 0.10+: enable(enable, {bufnr}); older 0.10 nightlies: enable(bufnr, enable)
    if pcall(hint.enable, true, { bufnr = bufnr }) then
      return true
    end
    return pcall(hint.enable, bufnr, true)
  end
  return false
end

local function label_text(label)
  if type(label) == "string" then
    return label
  end
  local parts = {}
  for _, part in ipairs(label or {}) do
    table.insert(parts, part.value)
  end
  return table.concat(parts)
end

--- Neovim without vim.lsp.inlay_hint: the server's hints as end-of-line virtual text.
function M.refresh_hints(bufnr)
  local client = M.client(bufnr)
  if not client or not vim.api.nvim_buf_is_loaded(bufnr) then
    return
  end
  local last = vim.api.nvim_buf_line_count(bufnr)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = 0, character = 0 }, ["end"] = { line = last, character = 0 } },
  }
  request(client, "textDocument/inlayHint", params, function(err, result)
    if err or not vim.api.nvim_buf_is_valid(bufnr) then
      return
    end
    vim.api.nvim_buf_clear_namespace(bufnr, hint_ns, 0, -1)
    for _, hint in ipairs(result or {}) do
      local line = hint.position.line
      if line < vim.api.nvim_buf_line_count(bufnr) then
        vim.api.nvim_buf_set_extmark(bufnr, hint_ns, line, 0, {
          virt_text = { { " " .. label_text(hint.label), "Comment" } },
          virt_text_pos = "eol",
          hl_mode = "combine",
        })
      end
    end
  end, bufnr)
end

native_hints = function()
  return vim.lsp.inlay_hint ~= nil
end

--- workspace/inlayHint/refresh (Neovim without native hints): redraw every buffer's virtual text, so a
--- comment's hint appears right after a generation, not after the next edit.
on_hint_refresh = function()
  for bufnr in pairs(state.hint_buffers) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      M.refresh_hints(bufnr)
    else
      state.hint_buffers[bufnr] = nil
    end
  end
  return vim.NIL
end

local function fallback_hints(bufnr)
  state.hint_buffers[bufnr] = true
  M.refresh_hints(bufnr)
  local group = vim.api.nvim_create_augroup("anrf_inlay_hints_" .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ "InsertLeave", "TextChanged", "BufWritePost" }, {
    group = group,
    buffer = bufnr,
    callback = function()
      local timer = state.hint_timers[bufnr]
      if timer then
        timer:stop()
      end
      state.hint_timers[bufnr] = vim.defer_fn(function()
        state.hint_timers[bufnr] = nil
        M.refresh_hints(bufnr)
      end, 300)
    end,
  })
end

-- -- commands ------------------------------------------------------------------------------

--- How an `anrf.status` answer reads: backend (local/remote) and model state (cf. the VS Code status bar).
function M.status_view(status)
  status = status or {}
  local settings = status.settings or {}
  local server = settings.server or {}
  local url = type(server.url) == "string" and server.url ~= "" and server.url or nil
  local backend = url and "remote" or "local"
  local models = status.models or {}
  local loaded, lines = {}, {}
  table.insert(lines, ("anrf-lsp %s, %s%s"):format(tostring(status.version or "?"), backend, url and (" (" .. url .. ")") or ""))
  local names = vim.tbl_keys(models)
  table.sort(names)
  for _, name in ipairs(names) do
    local info = models[name]
    if type(info) == "table" then
      table.insert(loaded, name)
      table.insert(lines, ("%s model: %s"):format(name, table.concat(vim.tbl_filter(function(v)
        return type(v) == "string"
      end, { info.directory, info.device }), ", ")))
    else
      table.insert(lines, name .. " model: not loaded")
    end
  end
  local generations = type(status.generations) == "table" and #status.generations or 0
  local open = type(status.openDocuments) == "table" and #status.openDocuments or 0
  table.insert(lines, ("%d ANRF document(s) open, diagnostics %s"):format(open, tostring(status.diagnostics or "?")))
  local models_text = url and "models remote" or (#loaded == 0 and "models idle" or (table.concat(loaded, "+") .. " loaded"))
  local text = ("ANRF %s: %s"):format(backend, generations > 0 and ("generating (" .. generations .. ")") or models_text)
  return { backend = backend, text = text, lines = lines, busy = generations > 0 }
end

--- For your statusline: "ANRF local: models idle" (after the server answered `anrf.status`), else "".
function M.statusline()
  return M.last_status and M.status_view(M.last_status).text or ""
end

--- workspace/executeCommand; `callback(err, result)` (default: show the result).
function M.execute(command, arguments, bufnr, callback)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = M.client(bufnr)
  if not client then
    notify("the language server is not running (is this buffer attached? see :checkhealth anrf)", vim.log.levels.WARN)
    return nil
  end
  local ok, id = request(client, "workspace/executeCommand", { command = command, arguments = arguments or {} }, function(err, result)
    if callback then
      callback(err, result)
    end
  end, bufnr)
  return ok and id or nil, client
end

local function refresh_status(bufnr)
  M.execute("anrf.status", {}, bufnr, function(err, result)
    if not err then
      M.last_status = result
    end
  end)
end

--- Open a new file in a split unless a window shows it already, and keep the cursor where it was:
--- the next :AnrfGenerate must run on the comment, not inside the generated file.
local function show_beside(path)
  if not path or vim.fn.bufwinnr(path) ~= -1 then
    return
  end
  local win = vim.api.nvim_get_current_win()
  vim.cmd("split " .. vim.fn.fnameescape(path))
  if vim.api.nvim_win_is_valid(win) then
    vim.api.nvim_set_current_win(win)
  end
end

local run_with -- defined below

local function show(spec, result, bufnr)
  if spec.server == "anrf.status" then
    M.last_status = result
    notify(table.concat(M.status_view(result).lines, "\n"))
  elseif spec.server == "anrf.verify" then
    local counts = result.counts or {}
    local items = {}
    local fname = vim.uri_to_fname(result.uri)
    for _, f in ipairs(result.findings or {}) do
      local start = f.range and f.range.start or { line = 0, character = 0 }
      table.insert(items, { filename = fname, lnum = start.line + 1, col = start.character + 1,
        text = ("%s %s"):format(f.code, f.message), type = (f.severity or "e"):sub(1, 1):upper() })
    end
    vim.fn.setloclist(0, {}, " ", { title = "ANRF verify", items = items })
    notify(("%s: %d error(s), %d warning(s), %d info%s"):format(vim.fn.fnamemodify(fname, ":t"), counts.error or 0,
      counts.warning or 0, counts.info or 0, #items > 0 and " (:lopen)" or ""), result.ok and vim.log.levels.INFO or vim.log.levels.WARN)
  elseif spec.server == "anrf.analyzeIntent" then
    vim.lsp.util.open_floating_preview(vim.split(vim.inspect(result), "\n"), "lua", { border = "rounded" })
  elseif spec.server == "anrf.generate" and result.declined then
    -- nothing was written; the server's message says why, the comment's hint and hover keep it
    notify(("declined: %s%s"):format(result.reason or "?", result.canForce and " (code action: Generate anyway)" or ""),
      vim.log.levels.WARN)
  elseif spec.server == "anrf.generate" then
    local path = result.path or (result.uri and vim.uri_to_fname(result.uri))
    local score = type(result.confidenceScore) == "number" and (" (confidence %.2f)"):format(result.confidenceScore) or ""
    notify(("generated %s%s"):format(path or "?", score))
    show_beside(path)
  elseif spec.server == "anrf.importPython" or spec.server == "anrf.exportPython" then
    local path = result.uri and vim.uri_to_fname(result.uri)
    notify(("wrote %s"):format(path or "?"))
    show_beside(path)
  end
  -- accept/reject: the server shows its own message
  refresh_status(bufnr)
end

--- The server's code action for the intent at the cursor / selection (or in this ANRF file).
local function intent_action(spec, client, bufnr, range)
  local params
  if range then
    params = vim.lsp.util.make_given_range_params(nil, nil, bufnr, client.offset_encoding)
  else
    params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  end
  params.context = { diagnostics = {}, only = { spec.kind }, triggerKind = 1 }
  local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, 5000) or {}
  for client_id, response in pairs(responses) do
    if client_id == client.id then
      for _, action in ipairs(response.result or {}) do
        local command = type(action.command) == "table" and action.command or action
        if command.command == spec.server then
          return command.arguments or {}
        end
      end
    end
  end
  return nil
end

--- The server's error, without the layers each hop added ("anrf.generate failed: RuntimeError: anrf: ...").
function M.error_text(err)
  local message = type(err) == "table" and (err.message or vim.inspect(err)) or tostring(err)
  return (message:gsub("^RuntimeError: ", ""):gsub("^anrf: ", ""))
end

--- Execute `spec` with its arguments and say what happened (progress, result, error).
run_with = function(spec, arguments, bufnr, client)
  local id
  id = M.execute(spec.server, arguments, bufnr, function(err, result)
    if spec.server == "anrf.generate" and state.generation and state.generation.id == id then
      state.generation = nil
    end
    if err then
      if not (type(err.data) == "table" and err.data.shown) then -- else the server's message said it already
        notify(M.error_text(err), vim.log.levels.ERROR)
      end
      return
    end
    show(spec, result or {}, bufnr)
  end)
  if spec.server == "anrf.generate" and id then
    state.generation = { id = id, client = client }
    notify("generating... (:AnrfCancel stops it)")
  end
end

--- Code actions that carry an intent command run here, not as a bare workspace/executeCommand:
--- the user sees "generating...", the result and any error, as with :AnrfGenerate.
local function register_client_commands()
  for _, spec in ipairs(M.commands) do
    if spec.argument == "intent" then
      vim.lsp.commands[spec.server] = function(command, ctx)
        local bufnr = ctx and ctx.bufnr or vim.api.nvim_get_current_buf()
        local client = ctx and ctx.client_id and vim.lsp.get_client_by_id(ctx.client_id) or M.client(bufnr)
        run_with(spec, command.arguments or {}, bufnr, client)
      end
    end
  end
end

--- Run one of M.commands. `opts`: `args` (text for intent commands), `range` (use the visual selection).
function M.run(spec, opts)
  opts = opts or {}
  local bufnr = vim.api.nvim_get_current_buf()
  local client = M.client(bufnr)
  if not client then
    notify("the language server is not running for this buffer (see :checkhealth anrf)", vim.log.levels.WARN)
    return
  end
  local function go(arguments)
    run_with(spec, arguments, bufnr, client)
  end
  if spec.argument == "none" then
    return go({})
  elseif spec.argument == "document" then
    return go({ { uri = vim.uri_from_bufnr(bufnr) } })
  end
  local text = opts.args and vim.trim(opts.args) or ""
  local line = vim.api.nvim_win_get_cursor(0)[1] - 1
  if text ~= "" then
    return go({ { text = text, uri = vim.uri_from_bufnr(bufnr), line = line } })
  end
  local arguments = intent_action(spec, client, bufnr, opts.range)
  if arguments then
    return go(arguments)
  end
  vim.ui.input({ prompt = "ANRF intent (no `anrf:` comment or selection here): " }, function(input)
    if input and vim.trim(input) ~= "" then
      go({ { text = input, uri = vim.uri_from_bufnr(bufnr), line = line } })
    end
  end)
end

function M.cancel()
  local generation = state.generation
  if not generation then
    notify("no generation is running")
    return
  end
  cancel_request(generation.client, generation.id)
  state.generation = nil
  notify("generation cancelled")
end

local function create_user_commands()
  for _, spec in ipairs(M.commands) do
    vim.api.nvim_create_user_command(spec.name, function(cmd)
      M.run(spec, { args = cmd.args, range = spec.argument == "intent" and cmd.range == 2 })
    end, { nargs = "*", range = spec.argument == "intent", desc = spec.desc })
  end
  vim.api.nvim_create_user_command("AnrfCancel", M.cancel, { desc = "ANRF: cancel the running generation" })
end

-- -- attach --------------------------------------------------------------------------------

local function keymaps_for()
  local option = M.config.keymaps
  if option == false or option == nil then
    return {}
  end
  local maps = vim.deepcopy(M.default_keymaps)
  if type(option) == "table" then
    for key, lhs in pairs(option) do
      maps[key] = lhs
    end
  end
  return maps
end

local function set_keymaps(bufnr)
  local maps = keymaps_for()
  for _, spec in ipairs(M.commands) do
    local lhs = maps[spec.key]
    if lhs then
      vim.keymap.set("n", lhs, "<cmd>" .. spec.name .. "<CR>", { buffer = bufnr, desc = spec.desc, silent = true })
      if spec.argument == "intent" then
        vim.keymap.set("x", lhs, ":" .. spec.name .. "<CR>", { buffer = bufnr, desc = spec.desc, silent = true })
      end
    end
  end
  if maps.code_action then
    vim.keymap.set({ "n", "x" }, maps.code_action, vim.lsp.buf.code_action, { buffer = bufnr, desc = "ANRF: code actions / quick fixes" })
  end
  if maps.hover then -- Neovim 0.10+ maps K itself; 0.7-0.9 would open a man page
    vim.keymap.set("n", maps.hover, vim.lsp.buf.hover, { buffer = bufnr, desc = "ANRF: hover (node card, intent)" })
  end
end

on_attach = function(client, bufnr)
  set_keymaps(bufnr)
  if vim.bo[bufnr].omnifunc == "" then -- <C-x><C-o> completes ids, operations, types (0.10+ sets it itself)
    vim.bo[bufnr].omnifunc = "v:lua.vim.lsp.omnifunc"
  end
  if M.config.inlay_hints then
    if not enable_native_hints(bufnr) then
      fallback_hints(bufnr)
    end
  end
  if M.last_status == nil then
    refresh_status(bufnr)
  end
  if M.config.on_attach then
    M.config.on_attach(client, bufnr)
  end
end

-- -- setup ---------------------------------------------------------------------------------

local function detect_filetype(group)
  if vim.filetype and vim.filetype.add then
    vim.filetype.add({ pattern = { [".*%.anrf%.json"] = NAME } })
  end
  -- Neovim 0.7's filetype.vim, or no filetype detection at all: set it here.
  vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
    group = group,
    pattern = "*.anrf.json",
    callback = function(args)
      if vim.bo[args.buf].filetype ~= NAME then
        vim.bo[args.buf].filetype = NAME
      end
    end,
  })
  if vim.treesitter and vim.treesitter.language and vim.treesitter.language.register then
    pcall(vim.treesitter.language.register, "json", NAME)
  end
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  for _, key in ipairs({ "cmd", "filetypes", "root_markers" }) do
    if opts and opts[key] then
      M.config[key] = opts[key] -- lists are replaced, not merged index by index
    end
  end
  local group = vim.api.nvim_create_augroup("anrf", { clear = true })
  detect_filetype(group)
  create_user_commands()
  register_client_commands()

  if M.api() == "enable" then
    local config = M.client_config(nil)
    config.root_dir = function(bufnr, on_dir)
      if M.wants(bufnr) then
        on_dir(M.root_dir(bufnr))
      end
    end
    config.filetypes = M.config.filetypes
    vim.lsp.config(NAME, config)
    vim.lsp.enable(NAME)
  else
    vim.api.nvim_create_autocmd("FileType", {
      group = group,
      callback = function(args)
        M.attach(args.buf)
      end,
    })
    -- Files whose filetype stays empty get no FileType event.
    vim.api.nvim_create_autocmd({ "BufReadPost", "BufNewFile" }, {
      group = group,
      callback = function(args)
        vim.schedule(function()
          if vim.api.nvim_buf_is_valid(args.buf) and vim.bo[args.buf].filetype == "" then
            M.attach(args.buf)
          end
        end)
      end,
    })
  end
  -- Buffers loaded before setup (lazy loading).
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.api.nvim_buf_get_name(bufnr):match("%.anrf%.json$") and vim.bo[bufnr].filetype ~= NAME then
      vim.bo[bufnr].filetype = NAME
    elseif vim.api.nvim_buf_is_loaded(bufnr) and M.api() ~= "enable" then
      M.attach(bufnr)
    end
  end
  return M
end

return M
