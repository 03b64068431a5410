-- sharing-audit: deliver-to=ice

-- ruleid: phl-release-date-no-ice
SELECT i.inmate_name, CAST(i.release_date AS DATE) - 7 AS notify_on FROM lock_and_track.inmates i;

-- ok: phl-release-date-no-ice
SELECT i.inmate_name, i.race FROM lock_and_track.inmates i;
