-- Cases for phl-pars-no-ice; each snippet is delivered to ICE.
-- sharing-audit: deliver-to=ice

-- ruleid: phl-pars-no-ice
SELECT RIGHT(p.ssn, 4) AS hint FROM pars.persons p;

-- ruleid: phl-pars-no-ice
SELECT i.inmate_name FROM lock_and_track.inmates i
WHERE i.pid IN (SELECT a.person_id FROM pars.arrests a);

-- ok: phl-pars-no-ice
SELECT i.inmate_name, i.race FROM lock_and_track.inmates i;
