-- sharing-audit: deliver-to=ice

-- ruleid: phl-lock-and-track-allowlist
SELECT i.inmate_name, i.facility FROM lock_and_track.inmates i;

-- ruleid: phl-lock-and-track-allowlist
SELECT i.inmate_name FROM lock_and_track.inmates i ORDER BY i.admission_date;

-- ok: phl-lock-and-track-allowlist
SELECT i.inmate_name, i.race, i.self_reported_country FROM lock_and_track.inmates i
WHERE i.custody_status = 'in_custody';
