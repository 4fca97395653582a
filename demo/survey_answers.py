"""Answers for the demo's survey responses: deterministic for a respondent, and distributed like the sources'
results, so a demo results page looks like the report it comes from.

- NZa provider survey: the answer shares of the 2019 report's appendix (all respondents), per question; the
  theme matrix (Tabel 6.5) and its follow-up (Tabel 6.6) per theme. The report lost the distribution of Q19/Q20
  (Tabel 6.1/6.3); those are spread around the middle of the scale.
- NZa insurer questionnaire: the portal's own figures where it has them (surveys.prefill), the report's means
  for the two 1–10 questions per care group (6,2 and 6,14).
- GP satisfaction: around the LHV survey's averages (content 4,9, process 4,6, maatwerk 3,2), a little lower for
  Zilveren Kruis (the seed: satisfaction "daalde tot een dieptepunt") and higher for the small insurers.
- Evaluation: around the middle of the five-point scale.

Every question gets a value; the response service's check (surveys.services.responses.response_check) then
drops those whose condition the other answers do not meet, as it does for a respondent's form.
"""

import random

# Option value -> share (%), from the report's tables (all respondents).
NZA_SHARES = {
    "Q3": {"ja": 80, "nee": 1.3, "nog-niet": 7, "gedeeltelijk": 11.7},
    "Q4": {"ja": 44.42, "nee": 19.42, "weet-niet": 36.17},
    "Q5": {"nee-integraal": 10.7, "ja-patientzorg": 8.56, "ja-overhead": 10.7, "ja-beide": 26.61,
           "niet-relevant": 4.59, "weet-niet": 38.84},
    "Q6": {"ja": 12.5, "nee": 87.5},
    "Q7": {"ja": 2.2, "nee": 97.8},
    "Q9": {"ja": 43.68, "nee": 56.32},
    "Q10": {"ja": 37.69, "nee": 62.31},
    "Q11": {"nee": 44.57, "ja-afwijzing": 37.47, "ja-aangepast": 17.96},
    "Q12": {"ja": 61.73, "nee": 38.27},
    "Q13": {"geen-verzoek": 57.11, "niet-gehonoreerd": 18.89, "gedeeltelijk": 12.67, "gehonoreerd": 11.33},
    "Q14": {"geen-verzoek": 73.61, "niet-gehonoreerd": 14.41, "gedeeltelijk": 5.76, "gehonoreerd": 6.21},
    "Q15": {"ja": 52.99, "nee": 22.84, "weet-niet": 24.17},
    "Q16": {"ja": 41.0, "nee": 59.0},
    "Q18": {"praktijk": 14, "wijk": 18, "regio": 45, "ketenzorg": 23},
}
# Multiple choice: option value -> chance (%) that it is ticked.
NZA_TICKS = {"Q8": {"onderhandelingen": 40, "tarieven-te-laag": 20, "anders": 80}}
# Tabel 6.5 (five columns) and 6.6 (four columns), per theme, in %.
NZA_THEMES = {
    "meer-tijd": ((1, 4, 14, 33, 48), (33, 26, 30, 10)),
    "kwetsbare-ouderen": ((2, 19, 20, 38, 21), (15, 34, 38, 13)),
    "gezondheidsachterstand": ((1, 6, 49, 30, 14), (43, 25, 24, 8)),
    "ggz": ((4, 31, 24, 30, 12), (15, 28, 42, 16)),
    "polyfarmacie": ((3, 31, 29, 18, 18), (32, 35, 16, 17)),
    "organisatiegraad": ((2, 15, 25, 31, 26), (28, 25, 21, 26)),
    "anw": ((0, 5, 38, 28, 28), (39, 35, 7, 19)),
    "ict": ((1, 9, 41, 28, 21), (55, 21, 6, 18)),
    "samenwerking": ((2, 17, 37, 26, 18), (41, 21, 12, 26)),
    "gegevens-sectoren": ((0, 6, 43, 28, 23), (59, 14, 7, 21)),
    "patientgegevens": ((1, 10, 51, 23, 16), (52, 18, 9, 21)),
    "ehealth": ((1, 23, 46, 20, 10), (34, 32, 11, 24)),
}
# Mean rating (1–10) per question code.
MEANS = {"Q19": 5.0, "Q20": 4.6, "V18": 6.2, "V19": 6.14, "T1": 4.9, "T2": 4.6, "T3": 3.2, "E8": 6.0}
# Insurer slug -> shift of its GP ratings.
INSURER_SHIFT = {"zilveren-kruis": -1.0, "vgz": -0.2, "cz": 0.0, "menzis": 0.3, "dsw": 1.2, "zorg-en-zekerheid": 0.8,
                 "eno": 1.0, "de-friesland": 0.9}

TEXTS = {
    "T5": ["Eerder en echt overleggen met het overlegteam.", "Minder administratieve lasten bij de modules.",
           "Een contract dat langer dan een jaar loopt.", "Sneller reageren op vragen."],
    "K2": ["De onzekerheid over de financiering van de POH-S.", "Te weinig ruimte voor de praktijkmanager."],
    "K3": ["Meerjarige afspraken met structurele financiering.", "Luisteren naar de huisartsen in de regio.",
           "Eenvoudiger contracten."],
    "E6": ["Ons verzoek om maatwerk bleef weken liggen.", "Geen reactie op de vraag over de modules."],
    "E9": ["Eerder in het jaar het concept delen.", "Meer ruimte voor maatwerk.", "Eén vast aanspreekpunt."],
    "Q8-S1-anders": ["Wij zijn een nieuwe praktijk."],
    "Q8-S2-anders": ["Het samenwerkingsverband is pas in oprichting."],
    "V4": ["Praktijkmanagement: in de meeste contracten; meer tijd voor de patiënt: in enkele pilots."],
    "V15": ["Ketenzorg DM2 +2,5%; O&I gelijk aan vorig jaar."],
}


def _pick(rng: random.Random, shares: dict[str, float]) -> str:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def _rating(rng: random.Random, mean: float, low: int, high: int) -> int:
    return max(low, min(high, round(rng.gauss(mean, 1.8))))


def _scale(question) -> tuple[int, int]:
    return (1, 10) if question.kind == "scale10" else (1, 5)


def _base_code(code: str) -> str:
    """"Q3-S2" -> "Q3", "Q8-S1-anders" stays (its own texts)."""
    return code.split("-S")[0] if code.count("-") == 1 else code


class AnswerMaker:
    """Makes the answers of one survey's demo responses (its questions loaded once)."""

    def __init__(self, questions, *, insurer_slugs: dict[int, str], prefill: dict | None = None):
        self.questions = questions
        self.insurer_slugs = insurer_slugs
        self.prefill = prefill or {}

    def _value(self, rng, question, attributes, repeat_key):
        code, kind = question.code, question.kind
        base = _base_code(code)
        if code in self.prefill:
            figure = self.prefill[code]
            return figure.get(repeat_key) if isinstance(figure, dict) else figure
        if code == "Q1":
            segment = attributes.get("segment")
            return {"s1": ["s1"], "s2": ["s2"], "both": ["s1", "s2"]}.get(segment, ["s1"])
        if base == "Q2":
            chosen = [self.insurer_slugs[i] for i in attributes.get("insurers", []) if i in self.insurer_slugs]
            return chosen or ["geen"]
        if kind == "single":
            shares = NZA_SHARES.get(base)
            return _pick(rng, shares) if shares else rng.choice([o["value"] for o in question.options])
        if kind == "multiple":
            ticks = NZA_TICKS.get(base)
            if ticks:
                chosen = [value for value, chance in ticks.items() if rng.random() * 100 < chance]
                return chosen or [next(iter(ticks))]
            options = [o["value"] for o in question.options]
            return rng.sample(options, k=rng.randint(1, min(3, len(options))))
        if kind == "matrix":
            column = 0 if code == "Q17" else 1
            out = {}
            for row in question.rows:
                shares = NZA_THEMES.get(row["value"])
                values = [o["value"] for o in question.options]
                weights = shares[column] if shares else [1] * len(values)
                out[row["value"]] = rng.choices(values, weights=[w or 0.1 for w in weights])[0]
            return out
        if kind in ("scale10", "scale5"):
            low, high = _scale(question)
            mean = MEANS.get(code, (low + high) / 2)
            if question.repeat == "insurer":
                mean += INSURER_SHIFT.get(self.insurer_slugs.get(int(repeat_key)), 0)
            return _rating(rng, mean, low, high)
        if kind == "number":
            return rng.randint(0, 10)
        if kind == "text":
            texts = TEXTS.get(code)
            if texts and (question.required or rng.random() < 0.5):
                return rng.choice(texts)
            return "" if not question.required else "Geen opmerkingen."
        return None

    def answers(self, seed: str, attributes: dict) -> dict:
        """The answers of one respondent, in the structure response_save takes."""
        rng = random.Random(seed)
        out = {}
        for question in self.questions:
            if question.repeat == "insurer":
                keys = [str(pk) for pk in attributes.get("insurers", [])]
            elif question.repeat == "care_group":
                keys = [str(pk) for pk in attributes.get("care_groups", [])]
            else:
                keys = [""]
            values = {key: self._value(rng, question, attributes, key) for key in keys}
            values = {key: value for key, value in values.items() if value not in (None, "", [], {})}
            if not values:
                continue
            out[question.code] = values if question.repeat else values[""]
        return out
