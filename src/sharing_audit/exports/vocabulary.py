"""Word lists the value detectors match: countries, demonyms, ISO codes, immigration terms.

Every entry is lower case and matched against a whole value that has been trimmed and
lower-cased (``vocabulary`` form), except the regex fragments, which are matched inside free
text with ``(?i)``. Lists that are safe on their own are kept apart from lists that collide
with ordinary data (``PA`` is Panama and Pennsylvania; ``Spanish`` is a demonym and a
language) and so count only where a column's name says it holds countries.

Country names and codes follow ISO 3166-1 (Debian's ``iso-codes``), with common variants,
former names and a few Spanish spellings added by hand.
"""

from __future__ import annotations


def _lines(text: str) -> frozenset[str]:
    """One entry a line; blank lines ignored."""
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def _words(text: str) -> frozenset[str]:
    """Entries separated by white space."""
    return frozenset(text.split())


# NOTE: these names are also US states, given names or common nouns (Georgia, Jordan, Chad,
# India, Turkey, Jersey...); they count only in a column named for countries.
AMBIGUOUS_COUNTRY_NAMES = _words(
    "georgia jordan chad india israel kenya china turkey jersey guernsey"
)
"""Country names that are as often something else; counted only in country-named columns."""

COUNTRY_NAMES = _lines(
    """
afghanistan
aland islands
albania
algeria
america
american samoa
andorra
angola
anguilla
antarctica
antigua
antigua and barbuda
argentina
armenia
aruba
australia
austria
azerbaijan
bahamas
bahrain
bangladesh
barbados
belarus
belgium
belize
benin
bermuda
bhutan
bolivia
bolivia, plurinational state of
bonaire, sint eustatius and saba
bosnia
bosnia and herzegovina
botswana
bouvet island
brasil
brazil
britain
british indian ocean territory
brunei darussalam
bulgaria
burkina faso
burma
burundi
cabo verde
cambodia
cameroon
canada
cape verde
cayman islands
central african republic
ceylon
chile
christmas island
cocos (keeling) islands
colombia
comoros
congo
congo, the democratic republic of the
congo-brazzaville
congo-kinshasa
cook islands
costa rica
cote d'ivoire
croatia
cuba
curacao
curaçao
cyprus
czech rep.
czechia
czechoslovakia
côte d'ivoire
democratic republic of the congo
denmark
djibouti
dominica
dominican republic
dprk
dr congo
drc
east timor
ecuador
ee.uu.
eeuu
egypt
el salvador
emirates
england
equatorial guinea
eritrea
espana
españa
estados unidos
estonia
eswatini
ethiopia
falkland islands (malvinas)
faroe islands
fiji
finland
france
french guiana
french polynesia
french southern territories
gabon
gambia
gaza
germany
ghana
gibraltar
great britain
greece
greenland
grenada
guadeloupe
guam
guatemala
guinea
guinea bissau
guinea-bissau
guyana
haiti
haití
heard island and mcdonald islands
herzegovina
holland
holy see
holy see (vatican city state)
honduras
hong kong
hungary
iceland
indonesia
iran
iran, islamic republic of
iraq
ireland
isle of man
italy
ivory coast
jamaica
japan
kazakhstan
kiribati
korea, democratic people's republic of
korea, north
korea, republic of
korea, south
kosovo
kuwait
kyrgyzstan
lao people's democratic republic
laos
latvia
lebanon
lesotho
liberia
libya
liechtenstein
lithuania
luxembourg
macao
macau
macedonia
madagascar
malawi
malaysia
maldives
mali
malta
marshall islands
martinique
mauritania
mauritius
mayotte
mexico
micronesia
micronesia, federated states of
moldova
moldova, republic of
monaco
mongolia
montenegro
montserrat
morocco
mozambique
myanmar
méxico
namibia
nauru
nepal
netherlands
new caledonia
new zealand
nicaragua
niger
nigeria
niue
norfolk island
north korea
north macedonia
northern ireland
northern mariana islands
norway
oman
pakistan
palau
palestine
palestine, state of
palestinian territories
panama
panamá
papua new guinea
paraguay
persia
peru
perú
philippines
pitcairn
poland
portugal
puerto rico
qatar
republic of korea
republic of the congo
republica dominicana
república dominicana
reunion
rhodesia
romania
russia
russian federation
rwanda
réunion
saint barthelemy
saint barthélemy
saint helena, ascension and tristan da cunha
saint kitts and nevis
saint lucia
saint martin (french part)
saint pierre and miquelon
saint vincent
saint vincent and the grenadines
samoa
san marino
sao tome
sao tome and principe
saudi arabia
scotland
senegal
serbia
seychelles
siam
sierra leone
singapore
sint maarten (dutch part)
slovakia
slovenia
solomon islands
somalia
south africa
south georgia and the south sandwich islands
south korea
south sudan
soviet union
spain
sri lanka
st lucia
st. kitts and nevis
st. lucia
st. vincent and the grenadines
sudan
suriname
svalbard and jan mayen
swaziland
sweden
switzerland
syria
syrian arab republic
são tomé and príncipe
taiwan
taiwan, province of china
tajikistan
tanzania
tanzania, united republic of
thailand
the bahamas
the gambia
the netherlands
the philippines
the united states
timor-leste
tobago
togo
tokelau
tonga
trinidad
trinidad and tobago
tunisia
turkiye
turkmenistan
turks and caicos islands
tuvalu
türkiye
u.a.e.
u.k.
u.s.
u.s.a.
uae
uganda
uk
ukraine
united arab emirates
united kingdom
united states
united states minor outlying islands
united states of america
uruguay
us of america
usa
ussr
uzbekistan
vanuatu
vatican
vatican city
venezuela
venezuela, bolivarian republic of
viet nam
vietnam
virgin islands, british
virgin islands, u.s.
wales
wallis and futuna
west bank
western sahara
yemen
yugoslavia
zaire
zambia
zimbabwe
åland islands
"""
)
"""Country names (ISO short and common names, folded to ASCII too, plus variants), lower case."""

ALPHA2 = _words(
    """
ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm bn bo bq br bs
bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee
eg eh er es et fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm
hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc
li lk lr ls lt lu lv ly ma mc md me mf mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na
nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw
sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st sv sx sy sz tc td tf tg th tj tk tl tm tn to
tr tt tv tw tz ua ug um us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw
"""
)
"""ISO 3166-1 alpha-2 codes. Most collide with US state codes (``PA``, ``CA``, ``GA``) or with
words (``no``, ``it``, ``id``); counted only in country-named columns."""

ALPHA3 = _words(
    """
abw afg ago aia ala alb and are arg arm asm ata atf atg aus aut aze bdi bel ben bes bfa bgd bgr
bhr bhs bih blm blr blz bmu bol bra brb brn btn bvt bwa caf can cck che chl chn civ cmr cod cog
cok col com cpv cri cub cuw cxr cym cyp cze deu dji dma dnk dom dza ecu egy eri esh esp est eth
fin fji flk fra fro fsm gab gbr geo ggy gha gib gin glp gmb gnb gnq grc grd grl gtm guf gum guy
hkg hmd hnd hrv hti hun idn imn ind iot irl irn irq isl isr ita jam jey jor jpn kaz ken kgz khm
kir kna kor kwt lao lbn lbr lby lca lie lka lso ltu lux lva mac maf mar mco mda mdg mdv mex mhl
mkd mli mlt mmr mne mng mnp moz mrt msr mtq mus mwi mys myt nam ncl ner nfk nga nic niu nld nor
npl nru nzl omn pak pan pcn per phl plw png pol pri prk prt pry pse pyf qat reu rou rus rwa sau
sdn sen sgp sgs shn sjm slb sle slv smr som spm srb ssd stp sur svk svn swe swz sxm syc syr tca
tcd tgo tha tjk tkl tkm tls ton tto tun tur tuv twn tza uga ukr umi ury usa uzb vat vct ven vgb
vir vnm vut wlf wsm yem zaf zmb zwe
"""
)
"""ISO 3166-1 alpha-3 codes; those in ``WORDLIKE_ALPHA3`` count only in country-named columns."""

WORDLIKE_ALPHA3 = _words(
    """
and are arm atf aus bel ben bra can cod col com cub dom esp est fin fro gab geo gin gum guy ind
irl ita jam ken lie mac mar mus nam nic nor pan per phl pol pri rus sen som sur ton tun tur vat
"""
)
"""Alpha-3 codes that are also English words or common abbreviations (``CAN``, ``PER``,
``ATF``, ``PHL`` the airport); counted only in country-named columns."""

DEMONYMS = _lines(
    """
afghan
algerian
andorran
angolan
antiguan
argentine
argentinian
australian
austrian
bahamian
bahraini
bangladeshi
barbadian
bajan
belgian
belizean
beninese
bhutanese
bolivian
botswanan
brazilian
british
bruneian
burkinabe
burundian
cambodian
cameroonian
canadian
cape verdean
central african
chadian
chilean
colombian
comoran
congolese
costa rican
cuban
cypriot
djiboutian
dominican
ecuadorian
egyptian
salvadoran
salvadorean
salvadorian
equatoguinean
eritrean
ethiopian
fijian
gabonese
gambian
ghanaian
grenadian
guatemalan
guinean
bissau-guinean
guyanese
haitian
honduran
iranian
iraqi
israeli
ivorian
jamaican
jordanian
kazakhstani
kenyan
kosovar
kuwaiti
laotian
lebanese
liberian
libyan
liechtensteiner
malawian
malaysian
maldivian
malian
mauritanian
mauritian
mexican
micronesian
moldovan
monegasque
montenegrin
moroccan
mozambican
namibian
nauruan
nepalese
new zealander
nicaraguan
nigerien
nigerian
north korean
omani
pakistani
palauan
palestinian
panamanian
papua new guinean
paraguayan
peruvian
puerto rican
qatari
rwandan
saint lucian
saudi
saudi arabian
senegalese
seychellois
sierra leonean
singaporean
solomon islander
somalian
south african
south korean
south sudanese
sri lankan
sudanese
surinamese
swiss
syrian
tanzanian
togolese
trinidadian
tobagonian
tunisian
tuvaluan
ugandan
emirati
scottish
american
uruguayan
vanuatuan
ni-vanuatu
venezuelan
yemeni
zambian
zimbabwean
mexicano
mexicana
guatemalteco
guatemalteca
salvadoreño
salvadoreña
salvadoreno
salvadorena
hondureño
hondureña
hondureno
hondurena
dominicano
dominicana
cubano
cubana
colombiano
colombiana
ecuatoriano
ecuatoriana
peruano
peruana
venezolano
venezolana
nicaragüense
nicaraguense
"""
)
"""Nationality adjectives and nouns that name no language (so no language column matches)."""

# NOTE: a column of preferred languages (Spanish, Vietnamese, Portuguese...) must not read as
# nationalities, so demonyms that are also language names count only in country-named columns.
LANGUAGE_DEMONYMS = _words(
    """
albanian armenian azerbaijani belarusian bosnian bulgarian burmese chinese croatian czech danish
dutch english estonian filipino finnish french georgian german greek hungarian icelandic
indian indonesian irish italian japanese kazakh korean kyrgyz lao latvian lithuanian
luxembourgish macedonian malagasy maltese marshallese mongolian nepali norwegian polish
portuguese romanian russian samoan serbian slovak slovenian somali spanish swazi swedish
taiwanese tajik thai tongan turkish turkmen ukrainian uzbek vietnamese welsh
"""
)
"""Demonyms that are also languages (``Spanish``) or races (``Indian``)."""

IMMIGRATION_TERMS: tuple[str, ...] = (
    r"undocumented",
    r"illegal(?:ly)?[ -](?:alien|aliens|immigrant|immigrants|entry|entrant|re-?entry|presence)",
    r"unlawful(?:ly)?[ -](?:present|presence|alien|aliens|entry)",
    r"aliens?",
    r"immigration (?:status|violation|violations|case|court|judge|proceedings|papers|documents)",
    r"(?:contact(?:ed)?|notif(?:y|ied)|call(?:ed)?) immigration",
    r"immigrants?",
    r"visa[ -]overstay(?:er|ed)?",
    r"overstay(?:ed)?(?: (?:a|his|her|their))? visa",
    r"(?:expired|student|work|tourist|h-?1b|b-?2|f-?1|j-?1) visa",
    r"visa (?:expired|revoked|overstay)",
    r"(?:removal|deportation) (?:order|orders|proceedings|case)",
    r"orders? of (?:removal|deportation)",
    r"deportable",
    r"deported",
    r"deportation",
    r"(?:ice|dhs|ero|cbp|immigration) (?:hold|holds|detainer|detainers|custody|warrant|request"
    r"|officer|officers|agent|agents|notified|interview|pick ?-?up|to pick up)",
    r"detainers? (?:lodged |issued |received )?(?:by|from) (?:ice|dhs|immigration)",
    r"notif(?:y|ied) ice",
    r"i-?(?:247[adnx]?|213|862)",
    r"notice to appear",
    r"asylum(?:[ -](?:seeker|seekers|applicant|claim|case|pending))?",
    r"asylee",
    r"refugees?",
    r"daca",
    r"deferred action",
    r"tps",
    r"temporary protected status",
    r"(?:lawful|legal) permanent resident",
    r"permanent resident",
    r"resident alien",
    r"green[ -]card",
    r"non-?citizens?",
    r"not a (?:u\.?s\.? )?citizen",
    r"u\.?s\.? citizen",
    r"naturali[sz]ed",
    r"naturali[sz]ation",
    r"citizenship (?:status|papers|documents|unknown|verified|not verified)",
    r"(?:proof of|dual|no) citizenship",
    r"(?:humanitarian|immigration) parole",
    r"(?:entry|entered) without inspection",
    r"indocumentad[oa]s?",
    r"sin papeles",
    r"deportad[oa]s?",
)
"""Regex fragments (lower case, matched with ``(?i)`` between non-alphanumerics) naming an
immigration or citizenship status, an immigration detainer or a removal order.

NOTE: some words are left out because in police and jail records they usually mean something
else: plain ``citizen`` ("a concerned citizen called"), ``LPR`` (licence plate reader),
``ICE`` and ``visa`` alone, ``EWI`` (an officer early-warning flag), ``detainer`` alone (jails
lodge probation, parole and county detainers), ``I-200``/``I-205`` (interstate highways), and
``immigration`` or ``citizenship`` alone (agency names: "U.S. Citizenship and Immigration
Services", "Immigration and Customs Enforcement"). ``detainer``, ``ICE`` and ``EWI`` still count as whole values of a column named for
immigration or detainers (``IMMIGRATION_STATUS_VALUES``)."""

IMMIGRATION_STATUS_VALUES = _lines(
    """
citizen
us citizen
u.s. citizen
usc
non-citizen
noncitizen
non citizen
lpr
lawful permanent resident
legal permanent resident
permanent resident
resident alien
nonresident alien
non-resident alien
alien
illegal alien
undocumented
naturalized
naturalized citizen
national
us national
dual citizen
visa holder
nonimmigrant
non-immigrant
immigrant
refugee
asylee
asylum seeker
parolee
daca
tps
h-1b
h1b
f-1
j-1
b-2
overstay
ewi
ice
ice hold
dhs
ero
cbp
uscis
immigration
immigration hold
"""
)
"""Whole values of a status column (``Citizen``, ``LPR``, ``USC``); counted only where the
column's name says immigration or citizenship, since ``national`` or ``citizen`` alone mean
little elsewhere."""

STREET_SUFFIXES: tuple[tuple[str, ...], ...] = (
    ("Street", "St", "Str"),
    ("Avenue", "Ave", "Av"),
    ("Road", "Rd"),
    ("Boulevard", "Blvd"),
    ("Drive", "Dr"),
    ("Lane", "Ln"),
    ("Ct",),
    ("Place", "Pl"),
    ("Terrace", "Ter", "Terr"),
    ("Way",),
    ("Highway", "Hwy"),
    ("Parkway", "Pkwy"),
    ("Circle", "Cir"),
    ("Sq",),
    ("Pike",),
    ("Plaza", "Plz"),
    ("Alley", "Aly"),
    ("Trail", "Trl"),
    ("Expressway", "Expy"),
    ("Turnpike", "Tpke"),
)
"""USPS street suffixes, full and abbreviated. ``Court``, ``Square``, ``Row`` and ``Center``
are left out in full ("Municipal Court", "Front Row"): they name too much besides streets."""
