"""Demo organisations: the eight insurers of the NZa monitor, regions with market shares, LHV overlegteams,
care groups and GP practices.

Everything is derived from fixed tables and from each practice's index through a `random.Random` seeded with
that index, so the same `--practices N` always gives the same data, and a larger N adds practices N.. without
touching the first ones. Writes are keyed on natural keys (insurer name, region code, AGB code, care group
name) and skip what exists, so seeding twice changes nothing.
"""

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from demo.registry import DemoContext, demo_step
from insurers.models import Insurer
from providers.models import CareGroup, MarketShare, OverlegTeam, Practice, Region

SEED = 20_261_123
MAX_PRACTICES = 999_999  # the six free digits of a GP AGB code
BATCH_SIZE = 2_000


@dataclass(frozen=True)
class InsurerSpec:
    key: str  # short key used in the tables below and in demo e-mail domains
    name: str
    short_name: str
    slug: str
    uzovi_code: str
    website: str
    email_domain: str
    gcp_party: bool = True  # DSW distanced itself from the Good Contracting Practices


# UZOVI codes of the concern's main label; demo values, not a registry extract.
INSURERS = (
    InsurerSpec("zk", "Zilveren Kruis", "Zilveren Kruis", "zilveren-kruis", "3311", "https://www.zilverenkruis.nl",
                "zilverenkruis.demo"),
    InsurerSpec("vgz", "VGZ", "VGZ", "vgz", "7095", "https://www.vgz.nl", "vgz.demo"),
    InsurerSpec("cz", "CZ", "CZ", "cz", "9664", "https://www.cz.nl", "cz.demo"),
    InsurerSpec("menzis", "Menzis", "Menzis", "menzis", "3332", "https://www.menzis.nl", "menzis.demo"),
    InsurerSpec("dsw", "DSW", "DSW", "dsw", "3343", "https://www.dsw.nl", "dsw.demo", gcp_party=False),
    InsurerSpec("zz", "Zorg en Zekerheid", "Z&Z", "zorg-en-zekerheid", "3313", "https://www.zorgenzekerheid.nl",
                "zorgenzekerheid.demo"),
    InsurerSpec("eno", "ENO", "ENO", "eno", "3358", "https://www.eno.nl", "eno.demo"),
    InsurerSpec("df", "De Friesland", "De Friesland", "de-friesland", "3328", "https://www.defriesland.nl",
                "defriesland.demo"),
)
INSURERS_BY_KEY = {spec.key: spec for spec in INSURERS}


@dataclass(frozen=True)
class City:
    name: str
    postcodes: tuple[int, int]  # first and last four-digit postcode area of the town
    weight: int


@dataclass(frozen=True)
class RegionSpec:
    code: str
    name: str
    weight: int  # relative number of practices
    cities: tuple[City, ...]
    shares: dict[str, str]  # insurer key -> percent; each region sums to exactly 100
    health_centre: str  # neighbourhood of the region's gezondheidscentrum (in its first city)


# Shares are shaped after the regional pattern the NZa monitor shows (one dominant insurer per region, the
# rest spread thinly); rounded demo figures, not the official numbers.
REGIONS = (
    RegionSpec("groningen", "Groningen", 6, (
        City("Groningen", (9711, 9747), 6), City("Veendam", (9640, 9649), 1), City("Winschoten", (9670, 9675), 1),
        City("Stadskanaal", (9500, 9503), 1), City("Delfzijl", (9930, 9936), 1)),
        {"menzis": "47.5", "zk": "14.0", "df": "12.0", "vgz": "9.5", "cz": "8.5", "dsw": "3.0", "eno": "3.0",
         "zz": "2.5"}, "Lewenborg"),
    RegionSpec("friesland", "Friesland", 6, (
        City("Leeuwarden", (8911, 8939), 5), City("Sneek", (8600, 8608), 2), City("Heerenveen", (8440, 8449), 2),
        City("Drachten", (9200, 9204), 2), City("Harlingen", (8860, 8862), 1)),
        {"df": "56.0", "zk": "12.5", "vgz": "8.5", "menzis": "8.0", "cz": "7.0", "dsw": "3.0", "eno": "3.0",
         "zz": "2.0"}, "Bilgaard"),
    RegionSpec("drenthe", "Drenthe", 5, (
        City("Assen", (9400, 9409), 3), City("Emmen", (7800, 7826), 3), City("Hoogeveen", (7900, 7909), 2),
        City("Meppel", (7940, 7944), 1)),
        {"zk": "31.0", "menzis": "24.0", "df": "14.5", "vgz": "10.5", "cz": "9.0", "eno": "5.0", "dsw": "3.5",
         "zz": "2.5"}, "Kloosterveen"),
    RegionSpec("twente", "Twente", 6, (
        City("Enschede", (7511, 7548), 5), City("Hengelo", (7550, 7559), 3), City("Almelo", (7600, 7609), 3),
        City("Oldenzaal", (7570, 7577), 1)),
        {"menzis": "52.0", "zk": "11.5", "vgz": "10.5", "eno": "9.5", "cz": "9.0", "dsw": "3.5", "zz": "2.0",
         "df": "2.0"}, "De Posten"),
    RegionSpec("salland", "Salland", 3, (
        City("Deventer", (7411, 7429), 5), City("Raalte", (8100, 8103), 1), City("Holten", (7450, 7451), 1),
        City("Olst", (8120, 8121), 1)),
        {"eno": "31.5", "zk": "22.0", "menzis": "16.5", "vgz": "12.0", "cz": "9.5", "dsw": "4.0", "zz": "2.5",
         "df": "2.0"}, "Colmschate"),
    RegionSpec("gelderland-zuid", "Gelderland-Zuid", 6, (
        City("Nijmegen", (6511, 6546), 6), City("Tiel", (4001, 4009), 2), City("Wijchen", (6600, 6605), 1),
        City("Druten", (6650, 6651), 1)),
        {"vgz": "54.5", "zk": "12.5", "menzis": "11.0", "cz": "10.0", "dsw": "4.5", "zz": "3.0", "eno": "2.5",
         "df": "2.0"}, "Dukenburg"),
    RegionSpec("utrecht", "Utrecht", 12, (
        City("Utrecht", (3511, 3585), 7), City("Amersfoort", (3811, 3829), 3), City("Zeist", (3701, 3709), 1),
        City("Nieuwegein", (3430, 3439), 1)),
        {"zk": "44.0", "vgz": "15.5", "cz": "13.0", "menzis": "9.5", "zz": "7.0", "dsw": "5.5", "eno": "3.0",
         "df": "2.5"}, "Overvecht"),
    RegionSpec("amsterdam", "Amsterdam", 10, (
        City("Amsterdam", (1011, 1109), 8), City("Amstelveen", (1180, 1189), 2), City("Diemen", (1110, 1113), 1)),
        {"zk": "56.5", "vgz": "13.0", "cz": "9.5", "zz": "6.5", "menzis": "6.0", "dsw": "5.0", "df": "2.0",
         "eno": "1.5"}, "Bijlmer-Oost"),
    RegionSpec("zuid-holland-noord", "Zuid-Holland Noord", 5, (
        City("Leiden", (2311, 2334), 4), City("Alphen aan den Rijn", (2400, 2409), 2), City("Katwijk", (2221, 2225), 1),
        City("Leiderdorp", (2350, 2353), 1)),
        {"zz": "43.5", "zk": "20.5", "vgz": "12.0", "cz": "10.0", "dsw": "7.5", "menzis": "4.0", "df": "1.5",
         "eno": "1.0"}, "Merenwijk"),
    RegionSpec("haaglanden", "Haaglanden", 10, (
        City("Den Haag", (2491, 2597), 7), City("Delft", (2611, 2629), 2), City("Zoetermeer", (2711, 2729), 2),
        City("Rijswijk", (2280, 2289), 1)),
        {"zk": "33.5", "vgz": "17.0", "cz": "14.5", "dsw": "14.0", "zz": "11.5", "menzis": "6.0", "df": "2.0",
         "eno": "1.5"}, "Transvaal"),
    RegionSpec("rotterdam-rijnmond", "Rotterdam-Rijnmond", 11, (
        City("Rotterdam", (3011, 3089), 7), City("Schiedam", (3111, 3125), 1), City("Vlaardingen", (3130, 3138), 1),
        City("Capelle aan den IJssel", (2900, 2909), 1), City("Spijkenisse", (3200, 3209), 1)),
        {"dsw": "34.0", "zk": "21.5", "vgz": "16.5", "cz": "15.0", "menzis": "5.5", "zz": "4.5", "df": "2.0",
         "eno": "1.0"}, "Ommoord"),
    RegionSpec("zeeland", "Zeeland", 4, (
        City("Middelburg", (4330, 4336), 2), City("Vlissingen", (4380, 4389), 2), City("Goes", (4460, 4465), 2),
        City("Terneuzen", (4530, 4537), 2)),
        {"cz": "65.5", "vgz": "10.0", "zk": "9.5", "dsw": "6.5", "menzis": "3.5", "zz": "2.5", "df": "1.5",
         "eno": "1.0"}, "Dauwendaele"),
    RegionSpec("west-brabant", "West-Brabant", 7, (
        City("Breda", (4811, 4839), 4), City("Roosendaal", (4700, 4709), 2), City("Bergen op Zoom", (4600, 4625), 2),
        City("Etten-Leur", (4870, 4879), 1), City("Oosterhout", (4900, 4909), 1)),
        {"cz": "55.0", "vgz": "17.5", "zk": "11.0", "dsw": "6.0", "menzis": "4.5", "zz": "3.0", "eno": "1.5",
         "df": "1.5"}, "Haagse Beemden"),
    RegionSpec("brabant-oost", "Brabant-Oost", 8, (
        City("Eindhoven", (5611, 5658), 5), City("Helmond", (5700, 5709), 2), City("Veldhoven", (5500, 5509), 1),
        City("Geldrop", (5660, 5665), 1)),
        {"vgz": "41.5", "cz": "33.0", "zk": "10.5", "menzis": "5.0", "dsw": "4.5", "zz": "2.5", "eno": "1.5",
         "df": "1.5"}, "Woensel-Noord"),
    RegionSpec("limburg-zuid", "Limburg-Zuid", 6, (
        City("Maastricht", (6211, 6229), 4), City("Heerlen", (6411, 6422), 3), City("Sittard", (6130, 6137), 2),
        City("Kerkrade", (6460, 6471), 1)),
        {"cz": "61.0", "vgz": "16.0", "zk": "10.5", "menzis": "4.0", "dsw": "4.0", "zz": "2.0", "df": "1.5",
         "eno": "1.0"}, "Malberg"),
)
REGIONS_BY_CODE = {spec.code: spec for spec in REGIONS}


def region_top_insurer(region: RegionSpec) -> str:
    return max(region.shares, key=lambda key: Decimal(region.shares[key]))


def overleg_team_regions() -> dict[str, RegionSpec]:
    """Each insurer's OTH sits in the region where that insurer is largest (highest share among the regions
    it leads), which the tables above guarantee exists for all eight."""
    result = {}
    for spec in INSURERS:
        led = [r for r in REGIONS if region_top_insurer(r) == spec.key]
        result[spec.key] = max(led, key=lambda r: Decimal(r.shares[spec.key]))
    return result


def overleg_team_name(insurer: InsurerSpec, region: RegionSpec) -> str:
    return f"OTH {insurer.name} ({region.name})"


# --- Care groups ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CareGroupSpec:
    name: str
    kind: str
    region: str
    agb_code: str
    kvk_number: str
    cities: tuple[str, ...]  # practices in these towns may join (zorggroepen)


def _care_group_specs() -> tuple[CareGroupSpec, ...]:
    specs = []
    for n, region in enumerate(REGIONS):
        cities = [c.name for c in region.cities]
        # Two zorggroepen split the region's towns; the regional GP organisation covers all of them.
        specs += [
            CareGroupSpec(f"Zorggroep {cities[0]}", CareGroup.Kind.ZORGGROEP, region.code,
                          f"98{100_000 + 10 * n + 1:06d}", f"{40_100_000 + 10 * n + 1:08d}", tuple(cities[0::2])),
            CareGroupSpec(f"Zorggroep {cities[1]} e.o.", CareGroup.Kind.ZORGGROEP, region.code,
                          f"98{100_000 + 10 * n + 2:06d}", f"{40_100_000 + 10 * n + 2:08d}", tuple(cities[1::2])),
            CareGroupSpec(f"Gezondheidscentrum {region.health_centre}", CareGroup.Kind.GEZONDHEIDSCENTRUM,
                          region.code, f"98{100_000 + 10 * n + 3:06d}", f"{40_100_000 + 10 * n + 3:08d}",
                          (cities[0],)),
            CareGroupSpec(f"Huisartsenorganisatie {region.name}", CareGroup.Kind.HUISARTSENORGANISATIE,
                          region.code, "", f"{40_100_000 + 10 * n + 4:08d}", tuple(cities)),
        ]
    return tuple(specs)


CARE_GROUPS = _care_group_specs()
HEALTH_CENTRE_SIZE = 3  # the first practices of a region's first town share its gezondheidscentrum


# --- Practices --------------------------------------------------------------------------------------------
_LANDMARKS = (
    "De Linde", "Het Anker", "De Eik", "De Wilgen", "Het Baken", "De Vaart", "De Brink", "Het Kompas",
    "De Meander", "De Schakel", "De Lindehof", "De Esch", "Het Hof", "De Poort", "De Molen", "De Akker",
    "De Kastanje", "De Kring", "Het Veld", "De Horst", "De Bron", "De Dijk", "De Haven", "De Hoeksteen",
    "De Zonnewijzer", "Het Palet", "De Wieken", "De Lelie", "De Ploeg", "Het Gein", "De Boomgaard",
    "De Beuk", "Het Rietveld", "De Vijverhof", "De Zwaluw", "Het Overloon", "De Vlinder", "De Terp",
    "De Hazelaar", "Het Lindeplein", "De Kolk", "Het Wapen", "De Burcht", "De Sluis", "Het Zuiderpark",
)
_SURNAMES = (
    "Jansen", "De Vries", "Van den Berg", "Bakker", "Visser", "Smit", "Meijer", "De Boer", "Mulder",
    "De Groot", "Bos", "Vos", "Peters", "Hendriks", "Van Leeuwen", "Dekker", "Brouwer", "De Wit",
    "Dijkstra", "Smits", "De Graaf", "Van der Meer", "Van der Linden", "Kok", "Jacobs", "De Haan",
    "Vermeulen", "Van den Heuvel", "Van der Veen", "Van den Broek", "De Bruijn", "De Jong", "Schouten",
    "Van Beek", "Willems", "Van Vliet", "Van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "Van Dam",
    "Prins", "Blom", "Huisman", "Kuipers", "Van Wijk", "Postma", "Kramer", "Van Dijk", "El Amrani", "Yilmaz",
)
_QUARTERS = ("Centrum", "Noord", "Oost", "Zuid", "West")
_STREETS = (
    "Dorpsstraat", "Kerkstraat", "Molenweg", "Schoolstraat", "Stationsweg", "Julianastraat", "Beatrixlaan",
    "Wilhelminastraat", "Emmalaan", "Oranjestraat", "Nieuwstraat", "Hoofdstraat", "Marktplein", "Lindenlaan",
    "Eikenlaan", "Beukenlaan", "Parallelweg", "Prins Bernhardlaan", "Rembrandtlaan", "Vondellaan",
    "Burgemeester de Withstraat", "Zuiderparkweg", "Kastanjelaan", "Meidoornstraat", "Van Goghstraat",
    "Johan de Wittlaan", "Sportlaan", "Gezondheidsplein", "Havenkade", "Ringweg", "Esdoornlaan",
)
# Dutch postcodes avoid SA, SD and SS, and rarely use F, I, O, Q, U and Y.
_POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
_POSTCODE_PAIRS_UNUSED = frozenset({"SA", "SD", "SS"})

# The first practices carry the demo logins, so they get a known, varied situation: one in Amsterdam under the
# regional default, one in Rotterdam that chose VGZ as its preferent insurer, one in a Groningen health centre.
_DEMO_PRACTICE_OVERRIDES = {
    0: ("amsterdam", None),
    1: ("rotterdam-rijnmond", "vgz"),
    2: ("groningen", None),
}
DEMO_PRACTICE_COUNT = len(_DEMO_PRACTICE_OVERRIDES)
PREFERRED_INSURER_RATE = 0.04


def practice_agb_code(index: int) -> str:
    """'01' (huisartsen) + six digits. 7919 is coprime to 10**6, so indexes below a million never collide,
    and the codes do not look like a counter."""
    return f"01{(index * 7919 + 104_729) % 1_000_000:06d}"


def practice_kvk_number(index: int) -> str:
    return f"{(index * 7907 + 3_141_592) % 90_000_000 + 10_000_000:08d}"


@dataclass(frozen=True)
class PracticeSpec:
    index: int
    name: str
    agb_code: str
    kvk_number: str
    street: str
    postcode: str
    city: str
    region: str
    registered_patients: int
    preferred_insurer: str | None
    care_groups: tuple[str, ...]


def _postcode(rng: random.Random, city: City) -> str:
    digits = rng.randint(*city.postcodes)
    while True:
        letters = rng.choice(_POSTCODE_LETTERS) + rng.choice(_POSTCODE_LETTERS)
        if letters not in _POSTCODE_PAIRS_UNUSED:
            return f"{digits} {letters}"


def _base_name(rng: random.Random, city: str) -> str:
    pattern = rng.random()
    if pattern < 0.35:
        return f"Huisartsenpraktijk {rng.choice(_LANDMARKS)}"
    if pattern < 0.50:
        return f"Huisartsen {rng.choice(_LANDMARKS)}"
    if pattern < 0.72:
        return f"Huisartsenpraktijk {rng.choice(_SURNAMES)}"
    if pattern < 0.85:
        first, second = rng.sample(_SURNAMES, 2)
        return f"Huisartsenpraktijk {first} & {second}"
    if pattern < 0.94:
        return f"Huisartsen {city}-{rng.choice(_QUARTERS)}"
    return f"Huisartsengroep {rng.choice(_LANDMARKS)}"


_REGION_CODES = [r.code for r in REGIONS]
_REGION_WEIGHTS = [r.weight for r in REGIONS]
_CARE_GROUPS_BY_REGION = {r.code: [g for g in CARE_GROUPS if g.region == r.code] for r in REGIONS}


def practice_specs(count: int) -> Iterator[PracticeSpec]:
    """Practices 0..count-1. Practice i depends only on i and on practices before it (name suffixes, health
    centre places), so any count yields a prefix of a larger count."""
    if not 0 <= count <= MAX_PRACTICES:
        raise ValueError(f"count must be between 0 and {MAX_PRACTICES}")
    name_uses: Counter[str] = Counter()
    health_centre_places: Counter[str] = Counter()
    for index in range(count):
        rng = random.Random(SEED * 1_000_003 + index)
        region_code, preferred = _DEMO_PRACTICE_OVERRIDES.get(index, (None, None))
        region = REGIONS_BY_CODE[region_code] if region_code else REGIONS_BY_CODE[
            rng.choices(_REGION_CODES, weights=_REGION_WEIGHTS)[0]]
        city = region.cities[0] if region_code else rng.choices(region.cities, [c.weight for c in region.cities])[0]
        base = _base_name(rng, city.name)
        name_uses[base] += 1
        name = base if name_uses[base] == 1 else f"{base} {name_uses[base]}"
        if index not in _DEMO_PRACTICE_OVERRIDES and rng.random() < PREFERRED_INSURER_RATE:
            # A practice only names a preferent insurer when it is not the regional default.
            top = region_top_insurer(region)
            others = [key for key in region.shares if key != top]
            preferred = rng.choices(others, weights=[float(region.shares[k]) for k in others])[0]
        groups = []
        for group in _CARE_GROUPS_BY_REGION[region.code]:
            if group.kind == CareGroup.Kind.GEZONDHEIDSCENTRUM:
                if city.name in group.cities and health_centre_places[region.code] < HEALTH_CENTRE_SIZE:
                    health_centre_places[region.code] += 1
                    groups.append(group.name)
            elif group.kind == CareGroup.Kind.ZORGGROEP:
                if city.name in group.cities and rng.random() < 0.85:
                    groups.append(group.name)
            elif rng.random() < 0.6:
                groups.append(group.name)
        yield PracticeSpec(
            index=index,
            name=name,
            agb_code=practice_agb_code(index),
            kvk_number=practice_kvk_number(index),
            street=f"{rng.choice(_STREETS)} {rng.randint(1, 180)}",
            postcode=_postcode(rng, city),
            city=city.name,
            region=region.code,
            registered_patients=round(rng.triangular(1_500, 4_500, 3_000)),
            preferred_insurer=preferred,
            care_groups=tuple(groups),
        )


def demo_practice_agb_codes() -> list[str]:
    """The practices that get demo logins."""
    return [practice_agb_code(i) for i in range(DEMO_PRACTICE_COUNT)]


# --- Writing ----------------------------------------------------------------------------------------------
def _ensure_insurers() -> tuple[dict[str, Insurer], int]:
    insurers, created = {}, 0
    for spec in INSURERS:
        insurer, new = Insurer.objects.get_or_create(name=spec.name, defaults={
            "short_name": spec.short_name, "slug": spec.slug, "uzovi_code": spec.uzovi_code,
            "website": spec.website, "gcp_party": spec.gcp_party})
        insurers[spec.key], created = insurer, created + new
    return insurers, created


def _ensure_regions() -> tuple[dict[str, Region], int]:
    regions, created = {}, 0
    for spec in REGIONS:
        region, new = Region.objects.get_or_create(code=spec.code, defaults={"name": spec.name})
        regions[spec.code], created = region, created + new
    return regions, created


def _ensure_market_shares(regions: dict[str, Region], insurers: dict[str, Insurer]) -> int:
    existing = set(MarketShare.objects.filter(region__in=regions.values()).values_list("region_id", "insurer_id"))
    missing = [
        MarketShare(region=regions[spec.code], insurer=insurers[key], share_percent=Decimal(share))
        for spec in REGIONS for key, share in spec.shares.items()
        if (regions[spec.code].pk, insurers[key].pk) not in existing
    ]
    MarketShare.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def _ensure_overleg_teams(regions: dict[str, Region], insurers: dict[str, Insurer]) -> int:
    created = 0
    for key, region_spec in overleg_team_regions().items():
        _, new = OverlegTeam.objects.get_or_create(
            region=regions[region_spec.code], insurer=insurers[key],
            defaults={"name": overleg_team_name(INSURERS_BY_KEY[key], region_spec)})
        created += new
    return created


def _ensure_care_groups(regions: dict[str, Region]) -> tuple[dict[str, CareGroup], int]:
    groups, created = {}, 0
    for spec in CARE_GROUPS:
        group, new = CareGroup.objects.get_or_create(name=spec.name, defaults={
            "kind": spec.kind, "agb_code": spec.agb_code, "kvk_number": spec.kvk_number,
            "region": regions[spec.region]})
        groups[spec.name], created = group, created + new
    return groups, created


def _ensure_practices(specs: list[PracticeSpec], regions: dict[str, Region],
                      insurers: dict[str, Insurer]) -> int:
    # Practice AGB codes are few enough to hold in memory even at 50,000; an `IN (...)` of that size would
    # exceed SQLite's parameter limit in the embedded run.
    existing = set(Practice.objects.values_list("agb_code", flat=True))
    missing = [
        Practice(
            name=s.name, agb_code=s.agb_code, kvk_number=s.kvk_number, street=s.street, postcode=s.postcode,
            city=s.city, region=regions[s.region], registered_patients=s.registered_patients,
            preferred_insurer=insurers[s.preferred_insurer] if s.preferred_insurer else None,
        )
        for s in specs if s.agb_code not in existing
    ]
    # ignore_conflicts on the unique AGB code: a concurrent seed that got there first is not an error.
    Practice.objects.bulk_create(missing, batch_size=BATCH_SIZE, ignore_conflicts=True)
    return len(missing)


def _ensure_care_group_members(specs: list[PracticeSpec], groups: dict[str, CareGroup]) -> int:
    through = CareGroup.practices.through
    wanted_agb = {s.agb_code for s in specs if s.care_groups}
    practice_ids = {agb: pk for agb, pk in Practice.objects.values_list("agb_code", "pk") if agb in wanted_agb}
    existing = set(through.objects.filter(caregroup__in=groups.values()).values_list("caregroup_id", "practice_id"))
    missing = []
    for spec in specs:
        for name in spec.care_groups:
            pair = (groups[name].pk, practice_ids[spec.agb_code])
            if pair not in existing:
                missing.append(through(caregroup_id=pair[0], practice_id=pair[1]))
    through.objects.bulk_create(missing, batch_size=BATCH_SIZE, ignore_conflicts=True)
    return len(missing)


def seed_organisations(*, practices: int) -> dict[str, int]:
    """Create whatever demo organisation is missing; returns how many of each kind were created."""
    specs = list(practice_specs(practices))
    with transaction.atomic():
        insurers, insurers_created = _ensure_insurers()
        regions, regions_created = _ensure_regions()
        created = {
            "insurers": insurers_created,
            "regions": regions_created,
            "market_shares": _ensure_market_shares(regions, insurers),
            "overleg_teams": _ensure_overleg_teams(regions, insurers),
        }
        groups, created["care_groups"] = _ensure_care_groups(regions)
        created["practices"] = _ensure_practices(specs, regions, insurers)
        created["care_group_members"] = _ensure_care_group_members(specs, groups)
    return created


@demo_step("providers.organisations", order=10)
def _step(ctx: DemoContext) -> dict[str, int]:
    return seed_organisations(practices=ctx.practices)
