-- sharing-audit: deliver-to=usms

-- ruleid: phl-protected-classes-no-federal
SELECT SHA256(CAST(i.ssn AS BYTEA)) AS k FROM lock_and_track.inmates i;

-- ruleid: phl-protected-classes-no-federal
SELECT i.inmate_id, COALESCE(i.home_address, 'unknown') AS addr FROM lock_and_track.inmates i;

-- ok: phl-protected-classes-no-federal
SELECT vault.tokenize(i.ssn) AS person_token FROM lock_and_track.inmates i;
