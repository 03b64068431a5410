"""A deterministic generator of labelled export columns for measuring the value detectors.

Every value is synthetic. Each column says which detector should fire on it (``expected``, or
None for a hard negative) and which others legitimately fire too (``also``: a narrative that
mentions an address holds an address). Positives come in the formats exports really use, pure
or embedded in free text, with nulls mixed in; negatives are the look-alikes that fool naive
patterns: zip+4 and order numbers against SSNs, booking and release dates against birth dates,
US state codes against ISO codes, short comments against narratives. A few columns of each
kind are known misses or false positives by design (docs/detectors.md): they keep the measured
numbers honest.

``python tests/exports/labelled.py`` prints a summary of the set.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

SEED = 20251101
"""The seed the documented precision and recall were measured with."""
YEAR = datetime.date.today().year
"""Dates are generated relative to this year, as the birth-date rule judges ages from today."""


@dataclass(frozen=True)
class LabelledColumn:
    """One synthetic column and what the detectors should say about it."""

    name: str
    values: list[str | None]
    expected: str | None
    also: frozenset[str] = frozenset()
    kind: str = ""
    """The generator that made it (for failure messages)."""

    @property
    def positives(self) -> frozenset[str]:
        """Every detector that should fire on this column."""
        return self.also | ({self.expected} if self.expected else frozenset())


Values = list[str | None]
Made = tuple[str, Values, str | None, frozenset[str]]
Maker = Callable[[random.Random], Made]
NONE: frozenset[str] = frozenset()

# ---------------------------------------------------------------------------------------------
# Word lists

# fmt: off
STREETS = [
    "Broad", "Market", "Walnut", "Chestnut", "Spruce", "Pine", "Lombard", "Girard", "Erie",
    "Allegheny", "Lehigh", "Germantown", "Frankford", "Kensington", "Ridge", "Oregon", "Snyder",
    "Passyunk", "Baltimore", "Lancaster", "Haverford", "Cottman", "Castor", "Roosevelt", "Main",
    "Oak", "Maple", "Cedar", "Elm", "Washington", "Lincoln", "Martin Luther King Jr", "Cecil B Moore",
    "2nd", "5th", "13th", "22nd", "40th", "52nd", "63rd",
]
SUFFIXES = ["St", "Street", "Ave", "Avenue", "Rd", "Road", "Blvd", "Dr", "Ln", "Pl", "Way", "Pike", "Ave.", "St."]
DIRECTIONS = ["N", "S", "E", "W", "N.", "S.", "North", "South", ""]
UNITS = ["Apt 4B", "Apt 2", "Unit 3", "Fl 2", "Rear", "#12", "Suite 200"]
CITIES = ["Philadelphia", "Camden", "Chester", "Norristown", "Upper Darby", "Trenton"]
US_STATES = "PA NJ DE NY MD CA TX FL GA IL OH VA NC MA AZ WA CO IN TN MO".split()
STATE_WEIGHTS = [40, 15, 6, 6, 5, 3, 3, 3, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1]
STATE_NAMES = ["Pennsylvania", "New Jersey", "Delaware", "New York", "Georgia", "Maryland", "Virginia", "California", "Texas", "Florida"]
COUNTRIES = [
    "Mexico", "Guatemala", "El Salvador", "Honduras", "Dominican Republic", "Haiti", "Jamaica",
    "Colombia", "Ecuador", "Brazil", "China", "India", "Vietnam", "Philippines", "Nigeria", "Ghana",
    "Liberia", "Cambodia", "Ukraine", "Russia", "Puerto Rico", "United States", "USA", "Venezuela",
    "Peru", "Cuba", "Bangladesh", "Pakistan", "Syria", "Afghanistan", "Korea, Republic of",
]
ALPHA2 = "MX GT SV HN DO HT JM CO EC BR CN IN VN PH NG GH LR KH UA RU PR US VE PE CU BD PK SY AF".split()
ALPHA3 = "MEX GTM SLV HND DOM HTI JAM COL ECU BRA CHN IND VNM PHL NGA GHA LBR KHM UKR RUS PRI USA VEN PER CUB".split()
DEMONYMS = [
    "Mexican", "Guatemalan", "Salvadoran", "Honduran", "Dominican", "Haitian", "Jamaican", "Colombian",
    "Ecuadorian", "Brazilian", "Chinese", "Indian", "Vietnamese", "Filipino", "Nigerian", "Ghanaian",
    "Liberian", "Cambodian", "Ukrainian", "Russian", "Puerto Rican", "American", "Venezuelan",
    "Peruvian", "Cuban",
]
FOREIGN_CITIES = ["Guadalajara", "Puebla", "San Salvador", "Tegucigalpa", "Santo Domingo", "Port-au-Prince", "Lagos", "Manila", "Kyiv", "Quito"]
LANGUAGES = ["English", "Spanish", "Vietnamese", "Chinese", "Mandarin", "Cantonese", "Haitian Creole", "Portuguese", "Russian", "Arabic", "French", "Khmer", "Korean", "ASL", "Polish"]
RACES = ["White", "Black", "Asian", "Hispanic", "American Indian", "Pacific Islander", "Unknown", "Other", "Not Hispanic", "Black or African American"]
FIRST_NAMES = ["Jordan", "Chad", "India", "Georgia", "Kenya", "Israel", "Maria", "James", "Luis", "Aisha", "Tyrone", "Mei", "Carlos", "Brittany", "Dakota", "Paris", "Austin", "Dallas", "China"]
SURNAMES = ["Smith", "Johnson", "Garcia", "Nguyen", "Williams", "Rodriguez", "Brown", "Lopez", "Kim", "Jones"]
IMM_STATUS = ["Citizen", "Non-citizen", "LPR", "USC", "Undocumented", "Refugee", "Asylee", "Visa holder", "Naturalized", "Permanent Resident", "DACA", "TPS", "Unknown", "Pending", "U.S. Citizen"]
STATUSES = ["Active", "Inactive", "Pending", "Closed", "Open", "Released", "In Custody", "Transferred", "Suspended", "Complete"]
CHARGES = ["RETAIL THEFT", "DUI - 2ND OFFENSE", "POSS W/INTENT TO DEL", "SIMPLE ASSAULT", "CRIMINAL TRESPASS", "BURGLARY", "DISORDERLY CONDUCT", "RECEIVING STOLEN PROPERTY", "VUFA 6106", "FLIGHT TO AVOID APPREHENSION"]
COMMENTS = [
    "Called back, no answer", "Left voicemail", "Paperwork complete", "Transported to CJC",
    "Property returned to owner", "Needs follow-up", "See attached", "Released on ROR", "Bail posted",
    "Medical clearance obtained", "Unit 12 on scene", "Room 304", "Shift 2 review", "Refused to sign",
    "Interpreter requested", "Victim declined prosecution", "Warrant served", "No further action",
    "Duplicate entry", "Forwarded to detectives", "Court notice mailed", "Phone disconnected",
    "OK per supervisor", "Checked 3 times", "Reviewed by Sgt. Lee", "Pending lab results",
    "Evidence logged", "Video requested from store", "Case closed", "Updated per 911 call",
    "Per DA, hold for review", "2 witnesses on scene", "Vehicle towed",
]
LOOKALIKE_COMMENTS = [
    "A concerned citizen called it in", "Citizen complaint filed", "Icy road, vehicle slid",
    "Ice on the sidewalk near the entrance", "LPR hit on the plate at 0200", "Paid with Visa card",
    "Subject ran 3 blocks down the street", "2 males on the corner", "Vehicle removal ordered",
    "Parole violation, returned to custody", "Moved to Municipal Court room 304", "Released to family",
    "Subject is a resident of the 22nd district", "Order 4471 shipped", "Status: active",
    "Removed from the list per request", "Sat in the 3 Front Row seats", "Red light camera 12 Main",
    "Customer ID 20481 confirmed", "Permit 771 renewed",
]
NARRATIVE_SENTENCES = [
    "Upon arrival, officers met with the complainant, who stated that an unknown male took property from the store.",
    "The complainant stated that the offender fled on foot northbound and was last seen wearing a black hooded sweatshirt.",
    "Officers canvassed the area with negative results and requested video from two nearby businesses.",
    "The victim was treated on scene by medics and refused further transport to the hospital.",
    "A witness stated that she heard yelling and then observed two males running from the location.",
    "The offender was placed into custody without incident and transported to the district for processing.",
    "Property was placed on a property receipt and the case was assigned to the detective division.",
    "The complainant was given the district control number and advised of the follow-up procedure.",
    "Officers observed damage to the rear door consistent with forced entry and notified the supervisor.",
]
EMBEDS: dict[str, list[str]] = {
    "street_address": [
        "Officers responded to {address} for the report.",
        "The complainant resides at {address} with her two children.",
        "The offender was stopped in front of {address} and detained.",
    ],
    "date_of_birth": [
        "The offender, DOB {dob}, was identified by his state ID.",
        "The victim (DOB: {dob}) provided a written statement.",
        "The subject stated he was born on {dob} and lives with his mother.",
    ],
    "phone": [
        "The complainant can be reached at {phone} for follow-up.",
        "The witness provided a callback number of {phone}.",
    ],
    "immigration_status": [
        "The subject stated that he is undocumented and has been in the country for six years.",
        "An ICE detainer was received for the offender prior to release.",
        "The subject stated he has a green card but did not have it on his person.",
        "The offender stated he overstayed his visa and feared deportation.",
        "Records indicate an order of removal for the subject.",
    ],
    "ssn": ["The subject provided SSN {ssn} verbally."],
}
CRIMES = ["burglary", "robbery", "theft from auto", "disturbance", "assault in progress", "suspicious person"]
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
# fmt: on

# ---------------------------------------------------------------------------------------------
# Values


def ssn(rng: random.Random, sep: str = "-") -> str:
    """A valid-range SSN: area 001-899 except 666, group 01-99, serial 0001-9999."""
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}{sep}{rng.randint(1, 99):02d}{sep}{rng.randint(1, 9999):04d}"


def invalid_ssn(rng: random.Random) -> str:
    """SSN-shaped but never issued (area 000, 666 or 9XX, group 00, serial 0000), nor an ITIN."""
    area = rng.choice(["000", "666", f"9{rng.randint(0, 99):02d}", f"{rng.randint(1, 899):03d}"])
    bad_group = area[0] != "9" and rng.random() < 0.5
    group = "00" if bad_group else f"{rng.choice([0, 12, 30, 45, 66, 69, 89, 93]):02d}"
    serial = "0000" if rng.random() < 0.3 else f"{rng.randint(1, 9999):04d}"
    if area not in ("000", "666") and area[0] != "9" and group != "00":
        serial = "0000"
    return f"{area}-{group}-{serial}"


def itin(rng: random.Random, sep: str = "-") -> str:
    """An ITIN: 9XX, group 50-65, 70-88, 90-92 or 94-99."""
    group = rng.choice([*range(50, 66), *range(70, 89), 90, 91, 92, *range(94, 100)])
    return f"9{rng.randint(0, 99):02d}{sep}{group}{sep}{rng.randint(0, 9999):04d}"


def a_number(rng: random.Random) -> str:
    """An A-number in one of the ways forms and databases write it."""
    d = f"{rng.randint(1_000_000, 249_999_999):09d}"
    return rng.choice(
        [
            f"A{d}",
            f"A-{d[:3]}-{d[3:6]}-{d[6:]}",
            f"A {d.lstrip('0').rjust(8, '0')}",
            f"A# {d[:3]}-{d[3:6]}-{d[6:]}",
            f"A{d[1:]}",
            f"A{d[2:]}",  # 7 digits: older numbers
        ]
    )


def passport(rng: random.Random) -> str:
    """A US passport number: 9 digits, or a letter and 8 digits (the letter may be A)."""
    if rng.random() < 0.5:
        return f"{rng.randint(100_000_000, 999_999_999)}"
    return f"{rng.choice('ABCEFGHJKLMNPRSTUVWXYZ')}{rng.randint(10_000_000, 99_999_999)}"


def date(rng: random.Random, years: tuple[int, int], style: int | None = None) -> str:
    """A date in one of seven formats exports use."""
    y, m, d = rng.randint(*years), rng.randint(1, 12), rng.randint(1, 28)
    hh, mm = rng.randint(0, 23), rng.randint(0, 59)
    formats = [
        f"{y}-{m:02d}-{d:02d}",
        f"{m}/{d}/{y}",
        f"{m:02d}/{d:02d}/{y}",
        f"{d:02d}-{MONTHS[m - 1]}-{y}",
        f"{MONTH_NAMES[m - 1]} {d}, {y}",
        f"{y}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:00",
        f"{m:02d}/{d:02d}/{y % 100:02d}",
    ]
    return formats[rng.randrange(len(formats)) if style is None else style]


def dob(rng: random.Random, style: int | None = None) -> str:
    return date(rng, (YEAR - 85, YEAR - 18), style)


def recent(rng: random.Random, style: int | None = None) -> str:
    return date(rng, (YEAR - 9, YEAR - 1), style)


def future(rng: random.Random, style: int | None = None) -> str:
    return date(rng, (YEAR + 1, YEAR + 5), style)


def address(rng: random.Random, case: str = "title", unit: bool | None = None) -> str:
    parts = [
        str(rng.randint(1, 9999)),
        rng.choice(DIRECTIONS),
        rng.choice(STREETS),
        rng.choice(SUFFIXES),
    ]
    text = " ".join(p for p in parts if p)
    if unit if unit is not None else rng.random() < 0.3:
        text += ", " + rng.choice(UNITS)
    if rng.random() < 0.2:
        text += f", {rng.choice(CITIES)}, PA 191{rng.randint(0, 54):02d}"
    return text.lower() if case == "lower" else text.upper() if case == "upper" else text


def po_box(rng: random.Random) -> str:
    kind = rng.choice(["PO Box", "P.O. Box", "P O Box", "Post Office Box", "PO BOX"])
    return f"{kind} {rng.randint(1, 99999)}"


def phone(rng: random.Random, style: int | None = None) -> str:
    """A US phone number; styles 0-4 are formatted, 5 is ten bare digits."""
    a, e, n = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
    formats = [
        f"({a}) {e}-{n:04d}",
        f"{a}-{e}-{n:04d}",
        f"{a}.{e}.{n:04d}",
        f"+1 {a} {e} {n:04d}",
        f"1-{a}-{e}-{n:04d}",
        f"{a}{e}{n:04d}",
    ]
    return formats[rng.randrange(len(formats)) if style is None else style]


def email(rng: random.Random) -> str:
    user = f"{rng.choice(FIRST_NAMES).lower()}.{rng.choice(SURNAMES).lower()}{rng.randint(1, 99)}"
    return f"{user}@{rng.choice(['gmail.com', 'yahoo.com', 'phila.gov', 'comcast.net', 'mail.example.org'])}"


def narrative(rng: random.Random, embed: str | None = None) -> str:
    """A police narrative of 3-6 sentences, optionally carrying one protected value."""
    when = recent(rng, rng.choice([1, 2, 4]))
    hhmm = f"{rng.randint(0, 23):02d}{rng.choice(['00', '15', '30', '45'])}"
    first = f"On {when} at approximately {hhmm} hours, officers responded to a radio call for a report of a {rng.choice(CRIMES)}."
    text = [first, *rng.sample(NARRATIVE_SENTENCES, rng.randint(2, 5))]
    if embed is not None:
        template = rng.choice(EMBEDS[embed])
        filled = template.format(
            address=address(rng, unit=False),
            dob=dob(rng, rng.choice([1, 2, 4, 6])),
            phone=phone(rng, rng.randrange(5)),
            ssn=ssn(rng),
        )
        text.insert(rng.randint(1, len(text)), filled)
    return " ".join(text)


def with_nulls(rng: random.Random, values: Values, rate: float = 0.15) -> Values:
    """Replace about ``rate`` of the values with None or an empty string."""
    out: Values = []
    for v in values:
        r = rng.random()
        out.append(None if r < rate / 2 else "" if r < rate else v)
    return out


def size(rng: random.Random) -> int:
    return rng.randint(25, 60)


# ---------------------------------------------------------------------------------------------
# Columns


def each(
    make: Callable[[random.Random], str], nulls: float = 0.15
) -> Callable[[random.Random], Values]:
    """A column of ``make`` values with nulls."""
    return lambda rng: with_nulls(rng, [make(rng) for _ in range(size(rng))], nulls)


def pick(*choices: str) -> Callable[[random.Random], str]:
    return lambda rng: rng.choice(choices)


def embedded(
    make: Callable[[random.Random], str], hits: tuple[int, int] = (1, 3)
) -> Callable[[random.Random], Values]:
    """Short comments (some empty) with a few values carrying ``make``."""

    def values(rng: random.Random) -> Values:
        out = with_nulls(rng, [rng.choice(COMMENTS) for _ in range(size(rng))], 0.1)
        for i in rng.sample(range(len(out)), rng.randint(*hits)):
            out[i] = make(rng)
        return out

    return values


def column(
    names: str,
    values: Callable[[random.Random], Values],
    expected: str | None,
    also: frozenset[str] = NONE,
) -> Maker:
    """A maker of columns named one of ``names`` (white-space separated)."""
    return lambda rng: (rng.choice(names.split()), values(rng), expected, also)


def narrative_column(names: str) -> Maker:
    """Narratives, some carrying an address, a birth date, a phone, an SSN or a status."""

    def make(rng: random.Random) -> Made:
        n = size(rng)
        kinds = [k for k in EMBEDS if rng.random() < 0.25]
        values = with_nulls(rng, [narrative(rng) for _ in range(n)], 0.1)
        slots = rng.sample(range(n), 3 * len(kinds))
        for j, kind in enumerate(kinds):
            for i in slots[3 * j : 3 * j + rng.randint(1, 3)]:
                values[i] = narrative(rng, kind)
        return rng.choice(names.split()), values, "narrative", frozenset(kinds)

    return make


def citizenship_column(rng: random.Random) -> Made:
    names = "immigration_status legal_status ImmigrationStatus alien_status citizenship_status imm_stat residency_status"
    col, values, expected, _ = column(names, each(pick(*IMM_STATUS)), "immigration_status")(rng)
    # NOTE: "U.S. Citizen" under a citizenship name states a country of citizenship too.
    also = (
        frozenset({"country"}) if col == "citizenship_status" and "U.S. Citizen" in values else NONE
    )
    return col, values, expected, also


def dated(names: str, make: Callable[[random.Random, int], str], expected: str | None) -> Maker:
    """A column of dates in one format, as one export writes them."""

    def values(rng: random.Random) -> Values:
        style = rng.randrange(7)
        return each(lambda r: make(r, style))(rng)

    return column(names, values, expected)


def comments_with_long(rng: random.Random) -> Values:
    """Short comments, one or two of them long enough to pass for narrative."""
    values: Values = [rng.choice(COMMENTS) for _ in range(size(rng))]
    for i in rng.sample(range(len(values)), rng.randint(0, 2)):
        values[i] = narrative(rng)
    return with_nulls(rng, values, 0.2)


def ssn_note(r: random.Random) -> str:
    template = r.choice(
        ["SSN {} on file", "provided ss# {}", "Social Security No. {}", "verified {} with SSA"]
    )
    return template.format(ssn(r, r.choice(["-", "-", ""])) if r.random() < 0.5 else ssn(r))


def placeholder(n: int) -> Callable[[random.Random], str]:
    return lambda r: f"{r.randint(10 ** (n - 1), 10**n - 1)}"


ADDRESS_NAMES = "address home_address street_address residence_addr mailing_address Address1"

# fmt: off
POSITIVES: list[tuple[str, int, Maker]] = [
    ("ssn_dash", 10, column("ssn SSN social_security_number applicant_ssn SocSecNo", each(ssn), "ssn")),
    ("ssn_space", 3, column("ssn SSN_Full", each(lambda r: ssn(r, " ")), "ssn")),
    ("ssn_bare_named", 8, column("ssn tax_id TIN taxpayer_id soc_sec_num SSN", each(lambda r: ssn(r, "")), "ssn")),
    ("ssn_mixed_named", 3, column("ssn subject_ssn", each(lambda r: ssn(r, r.choice(["-", ""]))), "ssn")),
    ("ssn_in_notes", 10, column("notes comments remarks case_notes officer_comments", embedded(ssn_note), "ssn")),
    ("ssn_unnamed", 4, column("col_7 field3 id_value ref", each(ssn), "ssn")),
    ("tax_id_mixed", 3, column("tax_id TIN taxpayer_id", each(lambda r: ssn(r, "") if r.random() < 0.6 else itin(r, "")), "ssn", frozenset({"itin"}))),
    ("anum_prefixed", 8, column("a_number A_Number alien_no anumber uscis_number alien_registration", each(a_number), "a_number")),
    ("anum_bare_named", 6, column("a_number alien_no uscis_no ANumber", each(lambda r: f"{r.randint(1_000_000, 249_999_999):09d}"[r.choice([0, 1]):]), "a_number")),
    ("anum_in_notes", 6, column("notes comments detainer_notes remarks", embedded(lambda r: r.choice(["A-number {} per DHS", "subject {} per ICE form", "file {}"]).format(a_number(r))), "a_number")),
    ("anum_unnamed", 3, column("id ref_no case_ref", each(a_number), "a_number")),
    ("itin_formatted", 6, column("itin ITIN tax_id_number taxpayer_itin", each(lambda r: itin(r, r.choice(["-", " "]))), "itin")),
    ("itin_bare_named", 5, column("itin tax_id TIN taxpayer_id", each(lambda r: itin(r, "")), "itin")),
    ("itin_in_notes", 4, column("notes comments", embedded(lambda r: r.choice(["ITIN {} provided", "uses ITIN: {}", "tax no {}"]).format(itin(r))), "itin")),
    ("itin_unnamed", 3, column("col_3 misc_id", each(itin), "itin")),
    ("passport_named", 8, column("passport_no PassportNumber passport ppt_num passport_id", each(passport), "passport")),
    ("passport_in_notes", 4, column("notes id_notes", embedded(lambda r: r.choice(["Passport No. {}", "passport #{} (US)", "ID: passport {}"]).format(passport(r))), "passport")),
    ("dob_named", 14, dated("dob DOB date_of_birth BirthDate birth_dt DateOfBirth birthday", dob, "date_of_birth")),
    ("dob_unnamed", 5, dated("d1 date col_5 dt", dob, "date_of_birth")),
    ("dob_in_notes", 6, column("notes comments remarks", embedded(lambda r: r.choice(["DOB: {}", "dob {} verified", "subject born {}", "D.O.B. {}"]).format(dob(r, r.choice([1, 2, 3, 6])))), "date_of_birth")),
    ("address_named", 10, column(ADDRESS_NAMES, each(address), "street_address")),
    ("address_named_upper", 2, column("address HomeAddress addr", each(lambda r: address(r, "upper")), "street_address")),
    ("address_named_lower", 2, column("address HomeAddress addr", each(lambda r: address(r, "lower")), "street_address")),
    ("address_unnamed", 4, column("location loc col_9 premise", each(address), "street_address")),
    ("address_in_notes", 6, column("notes comments remarks", embedded(lambda r: r.choice(["lives at {}", "stopped at {}", "Address: {}", "moved to {}"]).format(address(r, unit=False))), "street_address")),
    ("po_box", 3, column("mailing_address po_box addr2", each(po_box), "street_address")),
    ("business_address", 2, column("vendor_address agency_location", each(address), "street_address")),
    ("phone_named", 8, column("phone home_phone cell contact_number Telephone mobile", each(lambda r: phone(r, r.randrange(5))), "phone")),
    ("phone_bare_named", 4, column("phone cell_phone tel", each(lambda r: phone(r, 5)), "phone")),
    ("phone_in_notes", 5, column("notes comments callback_notes", embedded(lambda r: r.choice(["call back at {}", "cell {}", "mother's # {}"]).format(phone(r, r.randrange(5)))), "phone")),
    ("phone_unnamed", 2, column("col_2 number", each(lambda r: phone(r, r.randrange(5))), "phone")),
    ("phone_not_ssn", 4, column("contact contact_phone", each(lambda r: phone(r, r.randrange(5))), "phone")),
    ("email_named", 6, column("email e_mail contact_email EmailAddress", each(email), "email")),
    ("email_in_notes", 4, column("notes comments", embedded(lambda r: f"emailed {email(r)} re: hearing"), "email")),
    ("country_names", 10, column("country_of_birth birth_country nationality citizenship COB country origin_country", each(pick(*COUNTRIES)), "country")),
    ("country_alpha2", 6, column("country_code birth_country cob nationality_cd CountryOfBirth", each(pick(*ALPHA2)), "country")),
    ("country_alpha3", 3, column("citizenship_country nationality", each(pick(*ALPHA3)), "country")),
    ("country_demonyms", 3, column("nationality nationalities", each(pick(*DEMONYMS)), "country")),
    ("country_unnamed", 3, column("col_4 field_12 value", each(pick(*[c for c in COUNTRIES if c not in ("China", "India")])), "country")),
    ("place_of_birth", 4, column("place_of_birth birthplace pob", each(lambda r: f"{r.choice(FOREIGN_CITIES)}, {r.choice(COUNTRIES[:12])}"), "country")),
    ("imm_status_values", 8, citizenship_column),
    ("imm_in_notes", 10, column("notes comments booking_notes remarks", embedded(pick("subject is undocumented", "ICE detainer received", "I-247A faxed to jail", "has DACA", "TPS holder", "green card in wallet", "overstayed his visa", "order of removal on file", "non-citizen per subject", "asylum seeker, case pending", "says he is a US citizen", "illegal alien per NCIC")), "immigration_status")),
    ("detainer_type", 4, column("detainer_type hold_type", each(pick("ICE detainer", "I-247A", "Immigration hold", "None", "ICE", "I-247D", "US Marshals", "Detainer lodged by ICE", "Probation detainer")), "immigration_status")),
    ("narrative_named", 12, narrative_column("narrative synopsis incident_narrative NarrativeText description report_text")),
    ("narrative_unnamed", 4, narrative_column("col_11 field_b body")),
    # Harder positives; the last three are missed by design (docs/detectors.md, known misses).
    ("dob_compact", 2, column("dob birth_date", each(lambda r: dob(r, 0).replace("-", "")), "date_of_birth")),
    ("passport_travel_doc", 1, column("travel_doc_no", each(passport), "passport")),
    ("country_misspelled", 2, column("country_of_birth nationality", each(pick(*COUNTRIES, "Guatamala", "Mexico (MX)", "Dominican Rep.", "Salvador")), "country")),
    ("address_lower_unnamed", 2, column("location loc", each(lambda r: address(r, "lower")), "street_address")),
    ("imm_spanish", 1, column("notas", embedded(pick("es indocumentado", "sin papeles", "fue deportado en 2019")), "immigration_status")),
    ("ssn_bare_unnamed", 2, column("id_number person_key", each(lambda r: ssn(r, "")), "ssn")),
    ("country_alpha2_unnamed", 2, column("col_8 code", each(pick(*ALPHA2)), "country")),
    ("passport_bare_in_notes", 1, column("notes", embedded(lambda r: f"pp {passport(r)} seen"), "passport")),
]

NEGATIVES: list[tuple[str, int, Maker]] = [
    ("zip", 8, column("zip zip_code postal_code ZIP4", each(lambda r: r.choice([f"191{r.randint(0, 54):02d}-{r.randint(0, 9999):04d}", f"191{r.randint(0, 54):02d}{r.randint(0, 9999):04d}", f"0{r.randint(7000, 8999)}"])), None)),
    ("order_ids", 10, column("order_id confirmation_no booking_number invoice_no ticket_no incident_no", each(lambda r: placeholder(9)(r) if r.random() < 0.7 else placeholder(8)(r)), None)),
    ("invalid_ssn", 6, column("ref_code case_ref ssn", each(invalid_ssn), None)),
    ("event_dates", 16, column("booking_date release_date arrest_date incident_date court_date created_at BookedAt admit_dt hearing_date ReleaseDate date_released offense_dt", each(lambda r: recent(r) if r.random() < 0.7 else future(r)), None)),
    ("event_dates_unnamed", 5, dated("date dt col_6 d2", recent, None)),
    ("old_event_dates_named", 3, column("hire_date member_since opened_date", each(lambda r: date(r, (YEAR - 50, YEAR - 5))), None)),
    ("state_codes", 8, column("state st State home_state birth_state residence_state", each(lambda r: r.choices(US_STATES, STATE_WEIGHTS)[0]), None)),
    ("state_names", 3, column("state_name state", each(pick(*STATE_NAMES)), None)),
    ("languages", 5, column("language primary_language lang interpreter_language", each(pick(*LANGUAGES)), None)),
    ("race", 4, column("race ethnicity", each(pick(*RACES)), None)),
    ("first_names", 4, column("first_name given_name", each(pick(*FIRST_NAMES)), None)),
    ("yes_no", 5, column("flag is_active answer verified ice_notified", each(pick("Y", "N", "Yes", "No", "NO", "YES")), None)),
    ("statuses", 6, column("status case_status account_status inmate_status", each(pick(*STATUSES)), None)),
    ("short_comments", 10, column("comments notes remarks comment", comments_with_long, None)),
    ("lookalike_comments", 8, column("comments notes officer_remarks", each(pick(*LOOKALIKE_COMMENTS, *COMMENTS)), None)),
    ("amounts", 4, column("amount bail_amount fine", each(lambda r: f"${r.randint(1, 250_000):,}.{r.randint(0, 99):02d}"), None)),
    ("account_numbers", 4, column("account_no routing_number check_number", each(lambda r: str(r.randint(10**8, 10**12))), None)),
    ("skus", 4, column("sku part_no badge_no property_tag", each(lambda r: r.choice(["XA", "QA", "BA", "KA"]) + str(r.randint(1_000_000, 99_999_999))), None)),
    ("uuids", 2, column("record_id guid", each(lambda r: f"A{r.randint(1_000_000, 9_999_999)}-{r.randint(1000, 9999)}-4{r.randint(100, 999)}-8{r.randint(100, 999)}-{r.randint(10**11, 10**12 - 1)}"), None)),
    ("cities", 4, column("city home_city incident_city", each(pick(*CITIES, "Lebanon", "Jersey City", "Media", "Chester", "Paris")), None)),
    ("counties", 2, column("county county_name", each(pick("Philadelphia", "Delaware", "Montgomery", "Bucks", "Chester", "Lebanon")), None)),
    ("units", 4, column("cell_block unit district precinct", each(pick("C-12", "Unit 3", "22nd District", "B Block", "3rd Floor", "Sector 7")), None)),
    ("times", 3, column("booking_time created_ts shift_start", each(lambda r: f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}" if r.random() < 0.5 else f"{recent(r, 0)} {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:00"), None)),
    ("ip_urls", 3, column("ip_address url source_ip", each(lambda r: f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}" if r.random() < 0.6 else f"https://www.phila.gov/case/{r.randint(1000, 99999)}"), None)),
    ("handles", 3, column("username twitter_handle login", each(lambda r: r.choice(["@", ""]) + f"{r.choice(FIRST_NAMES).lower()}_{r.randint(1, 999)}"), None)),
    ("charges", 4, column("charge_description offense charge", each(pick(*CHARGES)), None)),
    ("dockets", 4, column("docket_number case_no dc_number", each(lambda r: r.choice([f"CP-51-CR-{r.randint(0, 9999999):07d}-{r.randint(YEAR - 10, YEAR)}", f"MC-51-CR-{r.randint(0, 9999999):07d}-{r.randint(YEAR - 10, YEAR)}", f"{r.randint(YEAR - 10, YEAR)}-{r.randint(1, 39):02d}-{r.randint(0, 999999):06d}"])), None)),
    ("vehicles", 2, column("vehicle vehicle_desc", each(lambda r: f"{r.randint(YEAR - 30, YEAR)} {r.choice(['Honda Civic', 'Ford Explorer', 'Toyota Camry'])} {r.choice(['Black', 'Silver', 'Red'])}"), None)),
    ("ages", 2, column("age age_at_arrest", each(lambda r: str(r.randint(16, 80))), None)),
    ("tracking", 2, column("tracking_number evidence_barcode", each(lambda r: str(r.randint(10**11, 10**13))), None)),
    ("agencies", 2, column("agency employer", each(pick("Philadelphia Police Dept", "ABC Towing Co", "SEPTA Transit Police", "Temple University Hospital")), None)),
    ("federal_agencies", 2, column("recipient_agency shared_with", each(pick("U.S. Immigration and Customs Enforcement", "U.S. Citizenship and Immigration Services", "Customs and Border Protection", "FBI", "DEA", "US Marshals Service", "Department of Homeland Security")), None)),
    ("ssn_last4", 2, column("ssn_last4 SSNLast4", each(lambda r: f"{r.randint(1, 9999):04d}"), None)),
    ("booking_numbers", 3, column("booking_no pid sid", each(lambda r: r.choice([f"{r.randint(YEAR - 10, YEAR)}-{r.randint(0, 999999):06d}", f"B{r.randint(YEAR - 10, YEAR)}{r.randint(0, 99999):05d}"])), None)),
    ("numbers_in_notes", 4, column("shipping_notes notes comments", embedded(lambda r: r.choice(["order {} shipped", "ref {} closed", "tracking {} delivered", "invoice #{} paid"]).format(r.randint(100_000_000, 9_999_999_999)), (2, 5)), None)),
    ("regions", 2, column("region world_region", each(pick("Central America", "South America", "Caribbean", "Asia", "Europe", "North America", "Africa")), None)),
    # Harder negatives; the last three are flagged by design (docs/detectors.md, known false positives).
    ("cuisine", 2, column("cuisine food_type", each(pick("Mexican", "Chinese", "Italian", "Thai", "Indian", "Cuban", "Jamaican", "Vietnamese", "American", "Pizza", "Deli", "Ethiopian")), None)),
    ("criminal_detainers", 2, column("hold_reason holds", each(pick("Detainer - Montgomery County", "Bench warrant", "Probation detainer", "None", "State parole detainer", "Child support")), None)),
    ("old_event_dates_unnamed", 2, column("d3 col_10", each(lambda r: date(r, (YEAR - 50, YEAR - 20))), None)),
    ("charge_lists", 3, column("charges all_charges charge_list", each(lambda r: "; ".join(r.sample(CHARGES, r.randint(4, 8)))), None)),
]
# fmt: on


def labelled_columns(seed: int = SEED) -> list[LabelledColumn]:
    """The labelled set: every generator's columns, in a fixed order.

    Example:
        >>> cols = labelled_columns()
        >>> len(cols) > 400 and cols == labelled_columns()
        True
    """
    rng = random.Random(seed)
    out = []
    for kind, count, make in POSITIVES + NEGATIVES:
        for _ in range(count):
            name, values, expected, also = make(rng)
            out.append(LabelledColumn(name, values, expected, frozenset(also), kind))
    return out


if __name__ == "__main__":
    columns = labelled_columns()
    print(
        f"{len(columns)} columns, {sum(len(c.values) for c in columns)} values, seed {SEED}, year {YEAR}"
    )
    for det, n in sorted(Counter(d for c in columns for d in c.positives).items()):
        print(f"  {det}: {n} positive columns")
    print(f"  none: {sum(1 for c in columns if not c.positives)} negative columns")
