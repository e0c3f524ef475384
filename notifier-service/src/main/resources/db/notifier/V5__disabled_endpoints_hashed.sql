-- A channel's URL can be a credential (a Slack URL, or one from a secret): only its SHA-256 is
-- kept of a retired endpoint, which is enough to tell the same URL again.
update disabled_endpoints
set url = 'sha256:' || encode(sha256(convert_to(url, 'UTF8')), 'hex')
where url not like 'sha256:%';
