-- sharing-audit: deliver-to=fbi

-- ruleid: phl-immigration-status-review
SELECT i.inmate_id, i.a_number FROM lock_and_track.inmates i;

-- ok: phl-immigration-status-review
SELECT i.inmate_id, i.facility FROM lock_and_track.inmates i;
