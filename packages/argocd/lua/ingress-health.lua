-- Health of a networking.k8s.io/Ingress. Argo CD's built-in check stays Progressing until the ingress controller
-- publishes a load-balancer address. Argo CD's own Ingress is created in the first wave, before Traefik exists,
-- and the waves wait for Argo CD to be healthy: the built-in check would deadlock the stack. An Ingress is
-- reported Healthy once it exists; the address is informational.
local hs = { status = "Healthy", message = "Ingress admitted" }
if obj.status ~= nil and obj.status.loadBalancer ~= nil and obj.status.loadBalancer.ingress ~= nil then
  for _, lb in ipairs(obj.status.loadBalancer.ingress) do
    hs.message = "Ingress published at " .. (lb.ip or lb.hostname or "?")
  end
else
  hs.message = "Ingress has no load-balancer address yet (the ingress controller publishes one)"
end
return hs
