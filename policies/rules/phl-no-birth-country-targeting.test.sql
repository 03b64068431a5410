-- sharing-audit: deliver-to=usms

-- ruleid: phl-no-birth-country-targeting
SELECT i.inmate_id FROM lock_and_track.inmates i WHERE i.self_reported_country <> 'USA';

-- ruleid: phl-no-birth-country-targeting
SELECT i.self_reported_country, COUNT(*) AS n FROM lock_and_track.inmates i GROUP BY i.self_reported_country;

-- ok: phl-no-birth-country-targeting
SELECT i.self_reported_country, COUNT(*) AS n FROM lock_and_track.inmates i
GROUP BY i.self_reported_country HAVING COUNT(*) >= 11;
