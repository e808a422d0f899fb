-- :checkhealth anrf
local M = {}

local health = vim.health or require("health")
local start = health.start or health.report_start
local ok = health.ok or health.report_ok
local warn = health.warn or health.report_warn
local error = health.error or health.report_error
local info = health.info or health.report_info

function M.check()
  start("anrf")
  local anrf = require("anrf")
  if vim.fn.has("nvim-0.7") ~= 1 then
    error("Neovim 0.7 or later is needed")
  else
    ok("Neovim " .. tostring(vim.version().major) .. "." .. tostring(vim.version().minor))
  end
  if not anrf.config then
    warn('require("anrf").setup({...}) has not been called')
    return
  end
  info("client API: " .. anrf.api())
  local cmd = anrf.server_cmd(anrf.config)
  if vim.fn.executable(cmd[1]) == 1 then
    ok("server command: " .. table.concat(cmd, " "))
  else
    error("not executable: " .. cmd[1] .. ' (set `cmd = { "/path/to/anrf", "lsp" }` or `python = "/path/to/python"` in setup)')
  end
  local client = anrf.client(0)
  if client then
    ok("language server running (client id " .. client.id .. ")")
    if anrf.last_status then
      info(anrf.statusline())
    end
  else
    warn("no ANRF client attached to the current buffer")
  end
end

return M
