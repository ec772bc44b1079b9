"""Turn parsed map files into the World's global cell and entity tables, validated."""

from __future__ import annotations

import numpy as np

from ..core import constants as C
from .mapfile import MapFile
from .monsters import Monsters
from .records import DataError, Record


def build_world(name, h, monsters: Monsters, mapfiles: list[MapFile]):
    from .load import ENTITY_COLUMNS, MapInfo, World

    names = [m.name for m in mapfiles]
    maps, off = [], 0
    for m in mapfiles:
        maps.append(MapInfo(m.name, m.kind, m.width, m.height, off, m.enc_rate))
        off += m.width * m.height
    cell_tile = np.zeros(off, np.uint8)
    cell_entity = np.full(off, -1, np.int32)
    floors = np.array([C.KIND_FLOOR.get(m.kind, C.FLOOR) for m in mapfiles], np.int32)
    ents: list[dict] = []
    texts: list[str] = []
    labels: list[str] = []
    parties: tuple[list[int], list[int]] = ([], [])
    b = _Builder(h, monsters, names, mapfiles, maps, ents, texts, labels, parties)

    for mi, m in enumerate(mapfiles):
        for y, row in enumerate(m.rows):
            for x, ch in enumerate(row):
                cell = maps[mi].offset + y * m.width + x
                if ch in C.TERRAIN_CHARS:
                    cell_tile[cell] = C.TERRAIN_CHARS[ch]
                    if ch == "*":
                        b.add(C.E_BUSH, mi, x, y, None, f"{m.name}.bush@{x},{y}")
                else:
                    cell_tile[cell] = floors[mi]
        for marker, rec in m.legend.items():
            b.add_marker(mi, marker, rec)
    start = [e for e in ents if e["kind"] == C.E_START]
    if len(start) != 1:
        raise DataError(
            h.path, 1, 1, f"the world needs exactly one `start` marker, found {len(start)}"
        )
    b.resolve_warps()
    b.check_world()
    for i, e in enumerate(ents):
        if e["kind"] != C.E_START:
            cell_tile[e["cell"]] = C.ENTITY_TILE[e["kind"]]
            cell_entity[e["cell"]] = i
    cell_watch = _sight_lines(ents, maps, cell_tile)

    ent = {c: np.array([e.get(c, -1) for e in ents], np.int32) for c in ENTITY_COLUMNS}
    enc = [(mi, t) for mi, m in enumerate(mapfiles) for t in m.encounters]
    enc_start = np.zeros(len(maps), np.int32)
    enc_count = np.zeros(len(maps), np.int32)
    cumw = np.zeros(len(enc), np.float32)
    for mi, m in enumerate(mapfiles):
        enc_start[mi] = sum(1 for e in enc if e[0] < mi)
        enc_count[mi] = len(m.encounters)
        if m.encounters:
            w = np.cumsum([t[3] for t in m.encounters])
            cumw[enc_start[mi] : enc_start[mi] + len(w)] = w / w[-1]
    ms_kind, ms_arg = b.milestone_tables()
    st = start[0]
    return World(
        name=name,
        title=h.title,
        monsters=monsters,
        maps=maps,
        map_w=np.array([m.width for m in maps], np.int32),
        map_h=np.array([m.height for m in maps], np.int32),
        map_off=np.array([m.offset for m in maps], np.int32),
        map_floor=floors,
        map_enc_rate=np.array([m.enc_rate for m in maps], np.float32),
        map_enc_start=enc_start,
        map_enc_count=enc_count,
        enc_species=np.array([t[0] for _, t in enc], np.int32),
        enc_min=np.array([t[1] for _, t in enc], np.int32),
        enc_max=np.array([t[2] for _, t in enc], np.int32),
        enc_cumw=cumw,
        cell_tile=cell_tile,
        cell_entity=cell_entity,
        cell_watch=cell_watch,
        ent=ent,
        ent_text=texts,
        ent_label=labels,
        party_species=np.array(parties[0], np.int32),
        party_level=np.array(parties[1], np.int32),
        num_events=b.num_events,
        event_label=b.event_label,
        key_names=h.key_names,
        key_ability=np.array(h.key_ability, np.int32),
        milestones=h.milestones,
        ms_kind=ms_kind,
        ms_arg=ms_arg,
        num_badges=b.num_badges,
        starter_species=h.starter[0],
        starter_level=h.starter[1],
        start_balls=h.items[0],
        start_potions=h.items[1],
        start_money=h.items[2],
        start_map=st["map"],
        start_x=st["x"],
        start_y=st["y"],
    )


class _Builder:
    """Collects entities marker by marker, then checks the world as a whole."""

    def __init__(self, h, monsters, names, mapfiles, maps, ents, texts, labels, parties):
        self.h, self.monsters, self.names, self.mapfiles, self.maps = (
            h,
            monsters,
            names,
            mapfiles,
            maps,
        )
        self.ents, self.texts, self.labels, self.parties = ents, texts, labels, parties
        self.num_events = 0
        self.event_label: list[str] = []
        self.warp_recs: list[tuple[int, Record, str]] = []
        self.badges: dict[int, Record] = {}
        self.key_sources: set[int] = set()
        self.champions: list[Record] = []

    def add(self, kind, mi, x, y, rec, label, text="", event=False, **cols) -> dict:
        e = dict(
            kind=kind,
            map=mi,
            x=x,
            y=y,
            cell=self.maps[mi].offset + y * self.maps[mi].width + x,
            **cols,
        )
        if event or kind == C.E_BUSH:
            e["event"] = self.num_events
            self.num_events += 1
            self.event_label.append(label)
        self.ents.append(e)
        self.texts.append(text)
        self.labels.append(label)
        return e

    def add_marker(self, mi: int, marker: str, rec: Record) -> None:
        m = self.mapfiles[mi]
        kind_name = rec.require_name("entity kind (warp, start, heal, ...)")
        if kind_name not in C.ENTITY_KINDS or kind_name == "bush":
            allowed = ", ".join(k for k in C.ENTITY_KINDS if k != "bush")
            raise rec.error(
                f"unknown entity kind {kind_name!r} (expected one of {allowed})", "name"
            )
        if marker in ("T", "v"):
            raise rec.error("markers T and v are terrain (tree, ledge); pick another character")
        kind = C.ENTITY_KINDS.index(kind_name)
        cells = m.cells[marker]
        if kind != C.E_WARP and len(cells) != 1:
            x, y = cells[1]
            raise DataError(
                m.path,
                m.grid_line + y,
                x + 1,
                f"marker {marker!r} ({kind_name}) "
                f"is used {len(cells)} times; only warps may cover several cells",
            )
        label = f"{m.name}.{marker}"
        if kind == C.E_WARP:
            for x, y in cells:
                self.add(kind, mi, x, y, rec, label)
            self.warp_recs.append((mi, rec, marker))
            rec.text("to")
            return
        (x, y), text = cells[0], rec.text("text", "")
        getattr(self, f"_{kind_name}")(kind, mi, x, y, rec, label, text)
        rec.check_unused()

    def _start(self, kind, mi, x, y, rec, label, text):
        self.add(kind, mi, x, y, rec, label)

    def _heal(self, kind, mi, x, y, rec, label, text):
        self.add(kind, mi, x, y, rec, label, text)

    def _sign(self, kind, mi, x, y, rec, label, text):
        self.add(kind, mi, x, y, rec, label, text)

    def _shop(self, kind, mi, x, y, rec, label, text):
        item = ("ball", "potion").index(rec.choice("item", ("ball", "potion")))
        self.add(
            kind, mi, x, y, rec, label, text, item=item, price=rec.integer("price", 0, 100_000)
        )

    def _item_id(self, rec: Record, key: str) -> int:
        allowed = ["ball", "potion", "money", *self.h.key_names]
        v = rec.choice(key, allowed)
        if v in self.h.key_names:
            k = self.h.key_names.index(v)
            self.key_sources.add(k)
            return C.FIRST_KEY_ITEM + k
        return allowed.index(v)

    def _item(self, kind, mi, x, y, rec, label, text):
        item = self._item_id(rec, "give")
        self.add(
            kind,
            mi,
            x,
            y,
            rec,
            label,
            text,
            event=True,
            item=item,
            count=rec.integer("count", 1, 100_000, 1),
        )

    def _npc(self, kind, mi, x, y, rec, label, text):
        gives = rec.has("give")
        cols = (
            dict(
                item=self._item_id(rec, "give"),
                count=rec.integer("count", 1, 100_000, 1),
                need=rec.integer("need_badges", 0, C.MAX_BADGES, 0),
            )
            if gives
            else {}
        )
        self.add(kind, mi, x, y, rec, label, text, event=gives, **cols)

    def _guard(self, kind, mi, x, y, rec, label, text):
        self.add(kind, mi, x, y, rec, label, text, need=rec.integer("need_badges", 1, C.MAX_BADGES))

    def _party(self, rec: Record) -> tuple[int, int]:
        start = len(self.parties[0])
        entries = rec.items("party")
        if not 1 <= len(entries) <= C.MAX_PARTY:
            raise rec.error(f"a party has 1..{C.MAX_PARTY} monsters, got {len(entries)}", "party")
        for entry in entries:
            sp, colon, lv = entry.partition(":")
            if not colon or not lv.isdigit() or not 1 <= int(lv) <= 100:
                raise rec.error(f"party entries are SPECIES:LEVEL (1..100), got {entry!r}", "party")
            if sp not in self.monsters.species_names:
                raise rec.error(f"unknown species {sp!r} in party", "party")
            self.parties[0].append(self.monsters.species_id(sp))
            self.parties[1].append(int(lv))
        return start, len(entries)

    def _fighter(self, kind, mi, x, y, rec, label, text, sight_default, **cols):
        ps, pc = self._party(rec)
        facing = C.DIR_NAMES.index(rec.choice("facing", C.DIR_NAMES, "down"))
        return self.add(
            kind,
            mi,
            x,
            y,
            rec,
            label,
            text,
            event=True,
            party_start=ps,
            party_count=pc,
            money=rec.integer("money", 0, 100_000, 0),
            facing=facing,
            sight=rec.integer("sight", 0, 20, sight_default),
            **cols,
        )

    def _trainer(self, kind, mi, x, y, rec, label, text):
        self._fighter(kind, mi, x, y, rec, label, text, 3)

    def _leader(self, kind, mi, x, y, rec, label, text):
        badge = rec.integer("badge", 1, C.MAX_BADGES)
        if badge in self.badges:
            raise rec.error(f"badge {badge} is already awarded by another leader", "badge")
        self.badges[badge] = rec
        self._fighter(kind, mi, x, y, rec, label, text, 0, badge=badge)

    def _champion(self, kind, mi, x, y, rec, label, text):
        self.champions.append(rec)
        self._fighter(kind, mi, x, y, rec, label, text, 0)

    def resolve_warps(self) -> None:
        for mi, rec, marker in self.warp_recs:
            target = rec.text("to")
            tmap, dot, tmark = target.partition(".")
            if not dot or tmap not in self.names:
                raise rec.error(f"`to` must be MAP.MARKER with a known map, got {target!r}", "to")
            tm = self.mapfiles[self.names.index(tmap)]
            if tmark not in tm.legend or tm.legend[tmark].name not in ("warp", "start"):
                raise rec.error(f"map {tmap!r} has no warp or start marker {tmark!r}", "to")
            rec.check_unused()
            dest = tm.cells[tmark]
            mine = [
                e
                for e in self.ents
                if e["kind"] == C.E_WARP
                and e["map"] == mi
                and self.labels[self.ents.index(e)] == f"{self.names[mi]}.{marker}"
            ]
            for i, e in enumerate(mine):
                dx, dy = dest[min(i, len(dest) - 1)]
                e.update(dest_map=self.names.index(tmap), dest_x=dx, dest_y=dy)

    def check_world(self) -> None:
        h = self.h
        if len(self.champions) != 1:
            raise DataError(
                h.path, 1, 1, f"the world needs exactly one `champion`, found {len(self.champions)}"
            )
        n = len(self.badges)
        if sorted(self.badges) != list(range(1, n + 1)):
            raise DataError(
                h.path,
                1,
                1,
                f"badges must be numbered 1..{n} without gaps; leaders award {sorted(self.badges)}",
            )
        self.num_badges = n
        for k, rec in enumerate(h.key_recs):
            if k not in self.key_sources:
                raise rec.error(f"key item {h.key_names[k]!r} is given by no `item` or `npc`")
        expected = {f"badge_{i}" for i in range(1, n + 1)} | set(h.key_names) | {"champion"}
        got = h.milestones
        if set(got) != expected or len(got) != len(expected) or got[-1] != "champion":
            raise h.ms_rec.error(
                f"milestones must list every badge (badge_1..badge_{n}), every key item and "
                f"`champion` last, each once; got {','.join(got)}",
                "order",
            )

    def milestone_tables(self):
        kinds, args = [], []
        for ms in self.h.milestones:
            if ms.startswith("badge_"):
                kinds.append(0)
                args.append(int(ms[6:]))
            elif ms == "champion":
                kinds.append(2)
                args.append(0)
            else:
                kinds.append(1)
                args.append(self.h.key_names.index(ms))
        return np.array(kinds, np.int32), np.array(args, np.int32)


def _sight_lines(ents, maps, cell_tile) -> np.ndarray:
    """cell -> the trainer whose line of sight covers it (the first declared wins)."""
    from .load import STATIC_BLOCKING_FOR_SIGHT

    watch = np.full(cell_tile.shape[0], -1, np.int32)
    for i, e in enumerate(ents):
        if e["kind"] not in (C.E_TRAINER, C.E_LEADER, C.E_CHAMPION) or e["sight"] <= 0:
            continue
        m = maps[e["map"]]
        dx, dy = C.DIRS[e["facing"]]
        x, y = e["x"], e["y"]
        for _ in range(e["sight"]):
            x, y = x + dx, y + dy
            if not (0 <= x < m.width and 0 <= y < m.height):
                break
            cell = m.offset + y * m.width + x
            if cell_tile[cell] not in STATIC_BLOCKING_FOR_SIGHT:
                break
            if watch[cell] < 0:
                watch[cell] = i
    return watch
