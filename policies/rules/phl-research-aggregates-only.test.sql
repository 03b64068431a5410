-- sharing-audit: deliver-to=researchers

-- ruleid: phl-research-aggregates-only
SELECT p.person_id, p.date_of_birth FROM pars.persons p;

-- ok: phl-research-aggregates-only
SELECT p.country_of_birth, COUNT(*) AS arrests FROM pars.persons p
GROUP BY p.country_of_birth HAVING COUNT(*) >= 11;
