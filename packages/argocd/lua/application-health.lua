-- Health of an argoproj.io/Application as its parent (the idstack root app-of-apps) sees it.
-- Argo CD runs this with Lua 5.1 and a global `obj` (the child Application); it must return {status, message}.
-- Sync waves between child Applications only wait for what this returns, so it is strict on purpose:
--   * no status yet (just created, not reconciled)        -> Progressing
--   * an operation is running or terminating              -> Progressing, whatever the previous attempt's results:
--     while Argo CD retries a failed sync it keeps phase Running, the failed attempt's syncResult (SyncFailed
--     resources) and a message "... Retrying attempt #N at <time>."; calling that Degraded would make the parent
--     burn its own retries on a transient failure (a webhook not ready yet) the child's retries exist for
--   * the last sync operation failed or errored (retries exhausted) -> Degraded (even if what did apply is Healthy)
--   * a resource failed to apply in the last sync result  -> Degraded
--   * an operation is requested (not started)             -> Progressing
--   * the status describes an older spec (source changed) -> Progressing
--   * not Synced yet (an app with nothing applied is "Healthy" with no resources) -> Progressing
--   * otherwise the child's own health (Healthy, Degraded, Suspended, Missing, ...)
local hs = { status = "Progressing", message = "Waiting for the Application to be reconciled" }

local function same_source(a, b)
  if a == nil or b == nil then
    return a == b
  end
  return a.repoURL == b.repoURL and (a.path or "") == (b.path or "") and (a.chart or "") == (b.chart or "")
    and (a.targetRevision or "HEAD") == (b.targetRevision or "HEAD")
end

local status = obj.status
if status == nil then
  return hs
end

local op = status.operationState
if op ~= nil then
  if op.phase == "Running" or op.phase == "Terminating" then
    if op.phase == "Running" and op.retryCount ~= nil and op.retryCount > 0 then
      hs.message = "Sync retrying (attempt #" .. op.retryCount .. "): " .. (op.message or "")
    else
      hs.message = "Sync operation " .. string.lower(op.phase)
    end
    return hs
  end
  if op.phase == "Failed" or op.phase == "Error" then
    hs.status = "Degraded"
    hs.message = "Last sync " .. string.lower(op.phase) .. ": " .. (op.message or "no message")
    return hs
  end
  if op.syncResult ~= nil and op.syncResult.resources ~= nil then
    for _, r in ipairs(op.syncResult.resources) do
      if r.status == "SyncFailed" then
        hs.status = "Degraded"
        hs.message = "Resource " .. (r.kind or "?") .. "/" .. (r.name or "?") .. " failed to sync: " .. (r.message or "")
        return hs
      end
    end
  end
end

if obj.operation ~= nil then
  hs.message = "Sync operation requested"
  return hs
end

local sync = status.sync
if sync == nil or sync.status ~= "Synced" then
  hs.message = "Not synced yet (sync status: " .. ((sync and sync.status) or "none") .. ")"
  return hs
end

if obj.spec ~= nil and obj.spec.source ~= nil and sync.comparedTo ~= nil
  and not same_source(obj.spec.source, sync.comparedTo.source) then
  hs.message = "Status describes an earlier spec; waiting for the new source to be compared"
  return hs
end

local health = status.health
if health == nil or health.status == nil then
  hs.message = "No health reported yet"
  return hs
end

hs.status = health.status
hs.message = health.message or ("Synced to " .. (sync.revision or "?") .. ", " .. health.status)
return hs
