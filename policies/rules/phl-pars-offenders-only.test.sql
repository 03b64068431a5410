-- sharing-audit: deliver-to=usms

-- ruleid: phl-pars-offenders-only
SELECT p.person_id, p.race FROM pars.persons p;

-- ruleid: phl-pars-offenders-only
SELECT p.person_id FROM pars.persons p WHERE p.person_role IN ('arrestee', 'victim');

-- ok: phl-pars-offenders-only
SELECT p.person_id, p.race FROM pars.persons p WHERE p.person_role = 'arrestee';
