"""The test workspace's profile and a valid case, as plain text (no pytest): shared by the
tests (through ``conftest``) and the benchmarks (``benchmarks/bench_memory.py`` builds its
hostile inputs on ``CASE``)."""

from __future__ import annotations

PROFILE = """\
organisation:
  namn: Testregionen
  adress:
    postadress: Box 1, 111 11 Teststad
organ:
  - id: hsn
    namn: Hälso- och sjukvårdsnämnden
    kortnamn: HSN
  - id: rs
    namn: Regionstyrelsen
    kortnamn: RS
diarienummer:
  - mönster: '\\d{2}HSN\\d{1,6}'
    beskrivning: t.ex. 25HSN3392
  - mönster: 'RS/\\d+/\\d{4}'
    beskrivning: t.ex. RS/730/2018
beslut:
  stil: numrerad
dokumenttyper:
  tjänsteskrivelse:
    etikett: TJÄNSTESKRIVELSE
    obligatoriska_avsnitt: [Sammanfattning]
  direktiv:
    etikett: DIREKTIV
    beslut:
      stil: att-satser
      skiljetecken: semikolon
"""

CASE = """\
---
typ: tjänsteskrivelse
rubrik: Ett ärende om åtgärder
diarienummer: 25HSN1
instans: hsn
datum: 2025-09-10
handläggare:
  namn: Åsa Öberg
förslag:
  inledning: Förvaltningens förslag till beslut
  beslutspunkter:
    - Hälso- och sjukvårdsnämnden godkänner planen
---

## Sammanfattning

Text med å, ä och ö.
"""
