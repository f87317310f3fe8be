"""Convert the research dataset (../shared/research) into change set 00 of the bundled data.

Writes ``src/loopledger/ledger/data/changes/2026-11-26-00-research-conversion.yaml``: every
record of the first version of the bundled data, as one change set (docs/data.md, "Change
sets"); later change sets amend it, and the bundled tables are what applying them all gives.
Kept in the repository so that every choice made in the conversion can be read and re-run
(re-running it on the same research files writes the same file):

* every deal, company and metric row becomes a record; none is dropped;
* status becomes a dated history: the announcement is the first event (its status read from
  the row's notes where they say so, listed in ``FIRST_STATUS`` with the reason; otherwise the
  row's latest status), further events the notes date (``EXTRA_EVENTS``), and the latest status
  at ``status_date`` the last;
* the free-text company types, parents and overlap notes become the model's vocabularies,
  keeping the original text in ``type_detail`` / ``owners`` / ``overlap_note``;
* the few rows that do not fit the model are fixed with a note in the record (``FIXES``).

Usage: python tools/convert_research.py [RESEARCH_DIR] [OUT_DIR]
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from loopledger.ledger import changes as changesets  # noqa: E402
from loopledger.ledger.dates import PartialDate  # noqa: E402
from loopledger.ledger.model import Company, Deal, Fact, Source, StatusEvent  # noqa: E402
from loopledger.ledger.validate import check_row  # noqa: E402

# --------------------------------------------------------------------------------------------
# Companies

SLUGS = {
    "Abilene JV (Crusoe/Blue Owl)": "abilene-jv",
    "Hyperion JV": "hyperion-jv",
    "Stargate LLC": "stargate-llc",
    "Lancaster DC project (Blue Owl)": "lancaster-dc-project",
    "xAI Colossus 2 SPV": "xai-colossus-2-spv",
    "xAI GPU lease SPV (Apollo)": "xai-gpu-lease-spv",
    "AI Infrastructure Partnership": "aip",
    "Capital markets (unnamed investors)": "capital-markets",
    "Bank lenders (unnamed)": "bank-lenders",
    "US Government": "us-government",
    "Thinking Machines Lab": "thinking-machines-lab",
    "Weights & Biases": "weights-and-biases",
    "Character.AI": "character-ai",
}

TYPES = {  # research `type` text -> model CompanyType
    "AI lab": "ai_lab",
    "AI lab / aerospace (owns xAI)": "ai_lab",
    "AI lab (autonomous driving)": "ai_lab",
    "AI application": "other",
    "AI data / services": "other",
    "AI software (MLOps)": "other",
    "chip vendor": "chip_vendor",
    "chip vendor (custom ASICs / networking)": "chip_vendor",
    "chip vendor / foundry": "chip_vendor",
    "chip vendor / inference cloud": "chip_vendor",
    "chip vendor (networking)": "chip_vendor",
    "chip vendor (memory)": "chip_vendor",
    "chip vendor (Arm CPUs)": "chip_vendor",
    "semiconductor equipment": "other",
    "EDA software": "other",
    "telecom equipment": "other",
    "server OEM": "other",
    "electronics manufacturer": "other",
    "server / rack designer": "other",
    "hyperscaler/cloud": "hyperscaler_cloud",
    "hyperscaler / AI lab": "hyperscaler_cloud",
    "cloud/CDN": "hyperscaler_cloud",
    "neocloud": "neocloud",
    "neocloud (ex-bitcoin miner)": "neocloud",
    "energy/datacenter": "energy_datacentre",
    "energy/datacenter (ex-bitcoin miner)": "energy_datacentre",
    "energy/datacenter (project JV)": "vehicle_spv",
    "energy/datacenter (project)": "vehicle_spv",
    "SPV (GPU leasing vehicle)": "vehicle_spv",
    "investor consortium": "investor",
    "investor": "investor",
    "investor (sovereign, Abu Dhabi)": "investor",
    "AI/cloud (sovereign, Abu Dhabi)": "hyperscaler_cloud",
    "AI/cloud (sovereign, Saudi PIF)": "hyperscaler_cloud",
    "investor / industrial": "investor",
    "investor (private credit/infrastructure)": "investor",
    "investor (private credit)": "lender",
    "bank / lender": "lender",
    "bank / lender (aggregate)": "lender",
    "bond / equity investors (aggregate)": "investor",
    "government": "other",
}

# research `parent_or_owner` -> (parent company name or None, since, owners text or None)
PARENTS = {
    "SpaceX (since 2026)": ("SpaceX", "2026-02", None),
    "AMD (2025); manufacturing arm sold to Sanmina": ("AMD", "2025-03", "AMD (2025); manufacturing arm sold to Sanmina"),
    "SoftBank (since 2025-11)": ("SoftBank", "2025-11", None),
    "Alphabet": (None, None, "Alphabet (parent; not a separate node in the dataset)"),
    "AI Infrastructure Partnership (pending close)": (None, None, "AI Infrastructure Partnership (pending close)"),
    "SoftBank": ("SoftBank", None, None),
    "Crusoe, Blue Owl": (None, None, "Crusoe, Blue Owl"),
    "Blue Owl funds 80%, Meta 20%": (None, None, "Blue Owl funds 80%, Meta 20%"),
    "SoftBank, OpenAI, Oracle, MGX": (None, None, "SoftBank, OpenAI, Oracle, MGX"),
    "Blue Owl": ("Blue Owl", None, None),
    "Valor Equity Partners (arranger)": (None, None, "Valor Equity Partners (arranger)"),
    "BlackRock/GIP, MGX, Microsoft, Nvidia (+ xAI, KIA, Temasek)": (None, None, "BlackRock/GIP, MGX, Microsoft, Nvidia (+ xAI, KIA, Temasek)"),
    "Public Investment Fund": (None, None, "Public Investment Fund (Saudi Arabia)"),
    "CoreWeave (since 2025-05)": ("CoreWeave", "2025-05", None),
}
PLACEHOLDERS = {"Capital markets (unnamed investors)", "Bank lenders (unnamed)"}


def slugify(name: str) -> str:
    if name in SLUGS:
        return SLUGS[name]
    s = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return s


# --------------------------------------------------------------------------------------------
# Sources

MIRRORS = {  # hosts that copy another outlet's page (research README section 6)
    "hn.jakechampion.name", "mockmirror.thorstenkranz.de", "vuink.com", "mailinator.pl",
    "rl.fawzi.xyz", "archive.ph", "ngocminhtran.com", "aicnbc.com", "rss.mediahub.az",
    "stat.xc0de.io",
}
NEWS_OUTLETS = {  # publishers of their own reporting, for sources named without an originator
    "Mint", "Semafor", "Axios", "The Independent", "TechTarget", "Computer Weekly",
    "DatacenterDynamics", "Tom's Hardware", "TechRadar", "Quartz", "Straits Times",
    "Business Standard", "IBTimes", "Motley Fool", "Yahoo Finance", "Benzinga", "Barchart",
    "DigiTimes", "Verdict", "The Decoder", "Techzine", "Silicon UK", "Korea JoongAng Daily",
    "NewsBytes", "CCN", "SlashGear", "TweakTown", "Mobile World Live", "Evertiq", "HNGN",
    "The Information", "Los Angeles Times/Bloomberg", "Trending Topics", "Nasdaq/Zacks",
    "Nasdaq/RTTNews", "The Register", "TechBuzz", "Futuriom", "Coinspeaker", "WebProNews",
    "Data Phoenix", "Tech Funding News", "The Neuron", "Fazen Markets", "AInvest",
}
FILING_WORDS = ("10-Q", "10-K", "8-K", "6-K", "S-1", "424B4", "DEFM14A", "13F", "FWP")


def classify_source(name: str, url: str) -> dict:
    host = urlparse(url).netloc.lower().removeprefix("www.")
    m = re.match(r"^(?P<pub>.*?)\s*\((?P<orig>[^)]*)\)\s*$", name)
    pub, orig = (m["pub"], m["orig"]) if m else (name, None)
    if host.endswith("sec.gov"):
        return dict(type="filing", publisher=pub, original_publisher=orig)
    if host in ("openai.com",):
        return dict(type="press_release", publisher=pub, original_publisher=orig)
    if host.endswith("globenewswire.com") or host.endswith("prnewswire.com"):
        return dict(type="press_release", publisher=pub, original_publisher=orig)
    if host.endswith("stocktitan.net"):
        kind = "filing" if any(w in name for w in FILING_WORDS) else "press_release"
        return dict(type=kind, publisher="StockTitan", original_publisher=pub)
    if host in MIRRORS:
        original = pub if orig in (None, "mirror", "archived", "feed copy", "repost") else f"{pub}; {orig}"
        return dict(type="repost", publisher=host, original_publisher=original)
    if orig and orig.startswith("repost"):
        return dict(type="repost", publisher=host, original_publisher=f"{pub}; {orig}")
    if orig:
        return dict(type="repost", publisher=pub, original_publisher=orig)
    if pub in NEWS_OUTLETS:
        return dict(type="news", publisher=pub, original_publisher=None)
    return dict(type="other", publisher=pub, original_publisher=None)


def source_id(url: str) -> str:
    return "src-" + hashlib.sha1(url.encode()).hexdigest()[:12]


# --------------------------------------------------------------------------------------------
# Status histories read from the notes

FIRST_STATUS = {  # deal id -> (status at announcement, why; paraphrasing the row's notes)
    "msft-openai-2023": ("definitive", "announced as a multiyear, multibillion-dollar investment paid in tranches"),
    "goog-anthropic-2b": ("funded_partial", "$500M paid upfront, $1.5B over time"),
    "amzn-anthropic-2024-11": ("definitive", "convertible notes paid in tranches; the last $1.4B fell due before end-2025"),
    "crwv-ddtl2-7.5b": ("definitive", "delayed-draw facility agreed; drawn over time"),
    "amd-zt-4.9b": ("definitive", "acquisition agreed; it closed later"),
    "crwv-wandb-acquisition": ("definitive", "acquisition agreed; closed 2025-05-05"),
    "sb-ampere-6.5b": ("definitive", "acquisition agreed; closed later"),
    "sb-openai-30b-2025": ("definitive", "commitment paid in two tranches (Apr 2025, Dec 2025)"),
    "crwv-corz-acquisition": ("definitive", "all-stock acquisition agreed; later voted down and terminated"),
    "spacex-xai-acquisition": ("definitive", "merger agreement dated 2026-01-31; completed later"),
    "nvda-intc-5b": ("definitive", "agreed 2025-09-18; needed FTC clearance, closed 2025-12-26"),
    "nvda-openai-loi-100b": ("announced_loi", "non-binding letter of intent"),
    "openai-nvda-10gw": ("announced_loi", "purchase side of the non-binding letter of intent"),
    "openai-oracle-abilene-expansion": ("announced_loi", "expansion lease was never finalised"),
    "openai-stargate-norway": ("announced_loi", "planned anchor offtake; terms were never agreed"),
    "openai-stargate-uk": ("announced_loi", "announced as a plan to explore offtake"),
    "meta-oracle": ("rumored", "talks reported by the press; no contract disclosed yet"),
    "msft-anthropic-5b": ("announced_loi", "an 'up to' commitment, later folded into the Series G"),
    "nvda-anthropic-10b": ("announced_loi", "an 'up to' commitment, later folded into the Series G"),
    "amzn-openai-50b": ("definitive", "agreed with the round; funding at closing"),
    "msft-openai-revshare-reverse": ("definitive", "in force in 2024: the leaked 2024 payments are net of Microsoft's reverse share"),
    "openai-msft-revshare": ("definitive", "in force in 2024: leaked documents show payments for 2024"),
}

FIRST_DATE = {  # undated rows: the earliest date their notes document
    "msft-openai-revshare-reverse": "2024",
    "openai-msft-revshare": "2024",
}

EXTRA_EVENTS = {  # deal id -> [(date, status, note)] between the first and the last event
    "sb-openai-30b-2025": [("2025-04", "funded_partial", "first $7.5B tranche paid in April 2025")],
    "crwv-ddtl2-7.5b": [],
    "amzn-anthropic-2024-11": [("2025-09-30", "funded_partial", "Amazon had put in $6.6B of the cumulative $8B by 2025-09-30")],
}

UNITS_OVERRIDES = {  # deal id -> fields left blank although the units text has a number
    "anthropic-spacex-colossus": (
        {"power_gw": None, "gpu_count": None},
        "the figures describe Colossus 1 only; the Colossus 2 part has none",
    ),
}

FIXES = {  # deal id -> {field: value}, with the note added to the record
    "blueowl-crwv-lancaster": (
        {"status_date": "2026-02"},
        "status_date was recorded as the year 2026, which would date the cancellation before the "
        "February 2026 announcement; set to 2026-02, the month the failed raise was reported",
    ),
}


# --------------------------------------------------------------------------------------------

OVERLAP_IDS = {
    "goog-anthropic-stake": ["goog-anthropic-2023", "goog-anthropic-2b", "goog-anthropic-1b-2025"],
    "nvda-crwv-stake": ["nvda-crwv-2023-equity", "nvda-crwv-ipo-250m"],
    "msft-openai-stake": ["msft-openai-2019", "msft-openai-2021", "msft-openai-2023", "msft-openai-2024"],
    "amzn-anthropic-stake": ["amzn-anthropic-2023", "amzn-anthropic-2024-03", "amzn-anthropic-2024-11"],
    "stargate-program-500b": [
        "openai-oracle-300b", "stargate-mgx-equity", "stargate-openai-equity",
        "stargate-oracle-equity", "stargate-softbank-equity", "openai-sbenergy-500m",
        "openai-sbenergy-milam-lease", "sb-sbenergy-500m",
    ],
}


def parse_overlap(deal_id: str, note: str, ids: set[str]) -> tuple[str | None, list[str]]:
    if not note:
        return None, []
    head = note.split(":", 1)[0].strip()
    kind = {
        "stake_summary": "stake_summary", "programme_summary": "programme_summary",
        "subset_of": "subset_of", "overlaps": "overlaps", "companion": "companion",
        "intra_group": "intra_group", "realized_spend": "realized_spend",
    }.get(head)
    if kind is None and note.startswith("realized net payments"):
        kind = "companion"  # the net leg of the revenue share, paired with the reverse leg
    if deal_id in OVERLAP_IDS:
        return kind, OVERLAP_IDS[deal_id]
    found = [t for t in re.findall(r"[a-z0-9][a-z0-9.\-]*[a-z0-9]", note) if t in ids and t != deal_id]
    return kind, found


def parse_units(units: str) -> dict[str, float | None]:
    out: dict[str, float | None] = {"power_gw": None, "gpu_count": None, "share_count": None}
    if not units or "(derived)" in units:
        return out
    m = re.search(r"(?<![\d\-.])(\d+(?:\.\d+)?)\s*(GW|MW)\b", units)
    if m:
        v = float(m[1])
        out["power_gw"] = v if m[2] == "GW" else v / 1000
    m = re.search(
        r"(?<![\d\-.])([\d,]+(?:\.\d+)?)\s*(k|M)?\s+(?:Nvidia\s+|AMD\s+)?"
        r"(?:GB\d+\s+|Grace Blackwell\s+|MI\d+\s+)?(GPUs?|TPUs|superchips|GB\d+)\b",
        units,
    )
    if m:
        v = float(m[1].replace(",", "")) * {"k": 1e3, "M": 1e6, None: 1}[m[2]]
        out["gpu_count"] = v
    m = re.search(r"(?<![\d\-.])([\d,]+(?:\.\d+)?)\s*(M)?\s+(?:[A-Z][A-Za-z]+\s+)?(?:Class A\s+)?shares\b", units)
    if m:
        out["share_count"] = float(m[1].replace(",", "")) * (1e6 if m[2] else 1)
    return out


def opt(v: str) -> str | None:
    v = (v or "").strip()
    return v or None


def num(v: str) -> float | None:
    v = (v or "").strip()
    return float(v) if v else None


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def main(research: Path, out: Path) -> None:
    deals_raw = read(research / "ai_deals.csv")
    comps_raw = read(research / "ai_companies.csv")
    metrics_raw = read(research / "ai_company_metrics.csv")
    slug_of = {c["name"]: slugify(c["name"]) for c in comps_raw}
    assert len(set(slug_of.values())) == len(slug_of), "company slugs collide"

    # sources: one record per URL, publisher and type from the first citation of it
    sources: dict[str, dict] = {}
    dates_seen: dict[str, set[str]] = defaultdict(set)

    def cite(url: str, name: str, date: str | None) -> str:
        sid = source_id(url)
        if sid not in sources:
            sources[sid] = dict(id=sid, url=url, **classify_source(name, url), date=None)
        if date:
            dates_seen[sid].add(date)
        return sid

    companies = []
    for c in comps_raw:
        parent, since, owners = PARENTS.get(c["parent_or_owner"], (None, None, None)) if c["parent_or_owner"] else (None, None, None)
        if c["parent_or_owner"] and c["parent_or_owner"] not in PARENTS:
            raise SystemExit(f"unmapped parent '{c['parent_or_owner']}'")
        if c["type"] not in TYPES:
            raise SystemExit(f"unmapped type '{c['type']}'")
        companies.append(dict(
            id=slug_of[c["name"]], name=c["name"],
            aliases=[a.strip() for a in c["aliases"].split(";") if a.strip()],
            ticker=opt(c["ticker"]), type=TYPES[c["type"]], type_detail=c["type"],
            country=opt(c["country"]), parent=slug_of[parent] if parent else None,
            parent_since=since, owners=owners, placeholder=c["name"] in PLACEHOLDERS,
            notes=opt(c["notes"]),
        ))

    ids = {d["id"] for d in deals_raw}
    deals, events = [], []
    for d in deals_raw:
        fix_note = None
        if d["id"] in FIXES:
            changes, fix_note = FIXES[d["id"]]
            d = {**d, **changes}
        cites = [(d["source_url"], d["source_name"], d["source_date"])]
        if d["source2_url"]:
            cites.append((d["source2_url"], d["source2_name"], d["source2_date"]))
        sids = [cite(u, n, dt) for u, n, dt in cites]
        overlap, overlap_with = parse_overlap(d["id"], d["overlap_note"], ids)
        units = parse_units(d["units"])
        if d["id"] in UNITS_OVERRIDES:
            units.update(UNITS_OVERRIDES[d["id"]][0])
        notes = d["notes"] or None
        if fix_note:
            notes = (notes + " " if notes else "") + f"[data fix] {fix_note}."
        deals.append(dict(
            id=d["id"], group=d["deal_group"], announced=opt(d["announced"]),
            payer=slug_of[d["payer"]], payer_detail=opt(d["payer_detail"]),
            payee=slug_of[d["payee"]], payee_detail=opt(d["payee_detail"]), kind=d["kind"],
            amount_low=num(d["amount_usd_low"]), amount_high=num(d["amount_usd_high"]),
            amount_note=opt(d["amount_note"]), units=opt(d["units"]), **units,
            stake_pct=num(d["stake_pct"]), stake_value=num(d["stake_value_usd_bn"]),
            term_start=opt(d["term_start"]), term_end=opt(d["term_end"]),
            include_in_totals=d["include_in_totals"] == "yes", overlap=overlap,
            overlap_with=overlap_with, overlap_note=opt(d["overlap_note"]),
            confidence=d["confidence"], notes=notes, sources=sids,
        ))
        # status history: first event, events the notes date, last event
        by_date = sorted(zip(sids, [c[2] for c in cites]), key=lambda p: PartialDate.parse(p[1]).start)
        first_src, last_src = [by_date[0][0]], [by_date[-1][0]]
        first_date = d["announced"] or FIRST_DATE.get(d["id"]) or d["status_date"]
        first_status, why = FIRST_STATUS.get(d["id"], (d["status"], None))
        history = [(first_date, first_status, why, first_src)]
        for date, status, note in EXTRA_EVENTS.get(d["id"], []):
            history.append((date, status, note, sids))
        if d["status_date"] != first_date or d["status"] != first_status:
            history.append((d["status_date"], d["status"], fix_note, last_src))
        for n, (date, status, note, srcs) in enumerate(history, start=1):
            events.append(dict(id=f"{d['id']}/{n}", deal=d["id"], date=date, status=status,
                               note=note, sources=srcs))

    facts, fact_ids = [], set()
    for m in metrics_raw:
        sid = cite(m["source_url"], m["source_name"], None)
        fid = f"{slug_of[m['company']]}/{m['metric']}/{m['as_of']}"
        assert fid not in fact_ids, fid
        fact_ids.add(fid)
        derived = m["metric"].endswith("_implied")
        facts.append(dict(
            id=fid, company=slug_of[m["company"]], metric=m["metric"], value=float(m["value"]),
            unit=m["unit"], as_of=m["as_of"], period=opt(m["period"]), derived=derived,
            derivation=(m["notes"] or "derived in the source") if derived else None,
            confidence=m["confidence"], notes=opt(m["notes"]), sources=[sid],
        ))

    # company valuations in ai_companies.csv are the latest facts; check, since they are not stored
    for c in comps_raw:
        if c["latest_valuation_usd_bn"]:
            match = [f for f in facts if f["company"] == slug_of[c["name"]]
                     and f["value"] == float(c["latest_valuation_usd_bn"]) and f["as_of"] == c["valuation_date"]]
            assert match, f"valuation of {c['name']} has no matching fact"

    for sid, src in sources.items():
        ds = sorted(dates_seen[sid], key=lambda t: (PartialDate.parse(t).start, -len(t)))
        src["date"] = ds[0] if ds else None
        if len(ds) > 1:
            src["notes"] = "cited with dates " + ", ".join(ds) + " (the earliest kept as its date)"

    models = {"sources": Source, "companies": Company, "deals": Deal, "events": StatusEvent, "facts": Fact}
    tables = {"sources": list(sources.values()), "companies": companies, "deals": deals,
              "events": events, "facts": facts}
    recs: dict[str, list] = {}
    for table, rows in tables.items():
        recs[table] = []
        for row in rows:
            rec, issues = check_row(models[table], row)
            if issues:
                raise SystemExit(f"{table} {row.get('id')}: {issues}")
            recs[table].append(rec)
        recs[table].sort(key=lambda r: r.id)
        print(f"{table}: {len(recs[table])}")
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{CHANGESET_ID}.yaml"
    target.write_text(HEADER + changesets.dump(changeset(recs)), encoding="utf-8")
    print(f"wrote {target}")


CHANGESET_ID = "2026-11-26-00-research-conversion"
HEADER = ("# Generated by tools/convert_research.py from the research dataset (shared/research): the\n"
          "# first version of the bundled data, change set 00. Do not edit; later change sets amend it.\n")


def changeset(recs: dict[str, list]) -> dict:
    """The conversion as change set 00: every record added, sources cited by URL, each deal
    with its first status event and the later events with their ids."""
    urls = {s.id: s.url for s in recs["sources"]}
    events_of: dict[str, list] = defaultdict(list)
    for e in recs["events"]:
        events_of[e.deal].append(e)
    deals, later = [], []
    for d in recs["deals"]:
        evs = sorted(events_of[d.id], key=lambda e: int(e.id.rsplit("/", 1)[1]))
        first = evs[0]
        assert first.id == f"{d.id}/1", first.id
        row = changesets.entry(d, urls)
        row["status"], row["status_date"] = first.status, first.date
        if first.note:
            row["status_note"] = first.note
        if first.sources != d.sources:
            row["status_sources"] = [urls[s] for s in first.sources]
        deals.append(row)
        later += [changesets.entry(e, urls) for e in evs[1:]]
    return {
        "id": CHANGESET_ID,
        "date": "2026-11-26",
        "summary": (f"Bundled dataset converted from the research dataset ({len(recs['deals'])} deal rows, "
                    f"{len(recs['companies'])} companies, {len(recs['facts'])} company metrics)"),
        "why": ("First version of the bundled data: each research row became records; statuses became dated "
                "event histories, sources were deduplicated by URL and typed, overlap notes became overlap "
                "relations (see tools/convert_research.py for every choice made)"),
        "sources": [changesets.entry(s, drop=("id",)) for s in recs["sources"]],
        "add": {"companies": [changesets.entry(c, urls) for c in recs["companies"]], "deals": deals,
                "events": later, "facts": [changesets.entry(f, urls) for f in recs["facts"]]},
    }


if __name__ == "__main__":
    research = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "research"
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "src" / "loopledger" / "ledger" / "data" / "changes"
    main(research, out)
