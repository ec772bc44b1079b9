"""The entities of a world (warps, trainers, items, ...) read from the maps' legends.

``Entities`` turns each legend record into one entity per marked cell, checks its
fields, then resolves warps and checks the world as a whole (one start, one champion,
badges without gaps, every key item given, milestones complete).
"""

from __future__ import annotations

import numpy as np

from ..core import constants as C
from .mapfile import MapFile
from .model import ENTITY_COLUMNS, MapInfo, WorldHeader
from .monsters import Monsters
from .records import DataError, Record


class Entities:
    """The world's entities, collected marker by marker, then checked as a whole."""

    def __init__(
        self, h: WorldHeader, monsters: Monsters, mapfiles: list[MapFile], maps: list[MapInfo]
    ):
        self.h, self.monsters, self.mapfiles, self.maps = h, monsters, mapfiles, maps
        self.names = [m.name for m in mapfiles]
        self.ents: list[dict] = []  # one dict of ENTITY_COLUMNS values per entity
        self.texts: list[str] = []
        self.labels: list[str] = []
        self.parties: tuple[list[int], list[int]] = ([], [])  # (species, level) entries
        self.num_events = 0
        self.event_label: list[str] = []
        self.warp_recs: list[tuple[int, Record, str]] = []
        self.badges: dict[int, Record] = {}
        self.key_sources: set[int] = set()
        self.champions: list[Record] = []
        self.num_badges = 0

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
        """Point every warp cell at its `to` MAP.MARKER (the i-th cell of a warp at the
        i-th cell of its target, the last one when the target has fewer)."""
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
        """One champion, badges 1..n without gaps, every key item given by someone, and
        the milestone order complete; raises DataError naming the record to fix."""
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

    def the_start(self) -> dict:
        """The one `start` entity; DataError when there is none or more than one."""
        start = [e for e in self.ents if e["kind"] == C.E_START]
        if len(start) != 1:
            raise DataError(
                self.h.path, 1, 1, f"the world needs exactly one `start` marker, found {len(start)}"
            )
        return start[0]

    def columns(self) -> dict[str, np.ndarray]:
        """ENTITY_COLUMNS as int32 arrays, one row per entity, -1 where not set."""
        return {c: np.array([e.get(c, -1) for e in self.ents], np.int32) for c in ENTITY_COLUMNS}
