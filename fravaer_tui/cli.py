"""The `fravaer` command: opens the TUI by default, subcommands for scripts and admins.

Exit codes: 0 ok, 1 user error (a Norwegian message, no traceback), 2 usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from fravaer_tui.application.audit import audit_line, filter_audit
from fravaer_tui.application.services import (
    IMPORT_KINDS,
    School,
    default_data_dir,
    due_steps,
    export_absences,
    import_file,
    open_or_create_school,
    open_school,
    resolve_user,
    run_check,
    save_registration,
    write_demo,
    write_private_file,
)
from fravaer_tui.domain.model import Mark, MarkType, Staff
from fravaer_tui.domain.rules import Alert, CheckResult
from fravaer_tui.domain.schoolcalendar import format_date, format_number, parse_date
from fravaer_tui.errors import UserError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit code 2, as argparse, in Norwegian
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: feil i kommandoen: {message}\n")


def _date(text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _moment(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"«{text}» er ikke et tidspunkt (skriv f.eks. 2026-11-20 10:25)"
        ) from None


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data",
        type=Path,
        default=argparse.SUPPRESS,
        help="datamappen (standard: $FRAVAER_DATA, ellers ./data)",
    )
    common.add_argument(
        "--user",
        default=argparse.SUPPRESS,
        help="ansatt-id eller brukernavn (standard: innlogget bruker)",
    )
    parser = _Parser(
        prog="fravaer",
        description="Fraværsføring og oppfølging av bekymringsfullt fravær. "
        "Uten underkommando åpnes programmet i terminalen.",
        parents=[common],
    )
    parser.add_argument(
        "--now",
        type=_moment,
        help="kjør som om klokka var dette (åååå-mm-dd tt:mm), for demo og opplæring",
    )
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", parser_class=_Parser)

    demo = sub.add_parser(
        "demo", parents=[common], help="lag en syntetisk demoskole med fraværshistorikk"
    )
    demo.add_argument("--students", type=int, default=600, help="antall elever (standard 600)")
    demo.add_argument("--seed", type=int, default=1, help="samme frø gir samme skole")
    demo.add_argument(
        "--until", type=_date, help="historikk fram til denne datoen (standard i dag)"
    )

    imp = sub.add_parser(
        "import", parents=[common], help="importer elever, ansatte, timeplan eller fravær fra CSV"
    )
    imp.add_argument("kind", choices=IMPORT_KINDS, metavar="{students,staff,timetable,absences}")
    imp.add_argument("file", type=Path, metavar="FIL.csv")

    reg = sub.add_parser("register", parents=[common], help="før én time")
    reg.add_argument("--class", dest="klasse", required=True, help="klassen, f.eks. 8A")
    reg.add_argument("--date", type=_date, required=True, help="dato (åååå-mm-dd eller dd.mm.åååå)")
    reg.add_argument("--period", type=int, required=True, help="timen (nummer i timeplanen)")
    reg.add_argument("--absent", type=_ids, default=[], help="elev-id-er med fravær, kommaskilt")
    reg.add_argument("--late", type=_ids, default=[], help="ID:MIN for elever som kom for sent")
    reg.add_argument("--left", type=_ids, default=[], help="elev-id-er som gikk/forlot timen")

    chk = sub.add_parser("check", parents=[common], help="hvilke elever har passert tersklene")
    chk.add_argument("--date", type=_date, help="kontrolldato (standard i dag)")
    chk.add_argument("--profile", help="strand, hole eller stien til en egen profil (TOML)")
    chk.add_argument("--json", action="store_true", help="skriv JSON i stedet for tabell")

    exp = sub.add_parser(
        "export",
        parents=[common],
        help="eksporter fravær (CSV), vedlegg 1–4 eller årsrapporten til elevmappen",
        description="Eksporter fraværet som CSV, fyll ut vedlegg 1–4 for en elev, eller lag "
        "årsrapporten for en elev eller en klasse. Vedlegg og rapporter legges i elevmappen "
        "(<elevmapper>/<skoleår>/<klasse>/<etternavn> <fornavn> (<elev-id>)/) og "
        "overskriver aldri en tidligere eksport.",
    )
    exp.add_argument(
        "--out",
        type=Path,
        default=argparse.SUPPRESS,
        help="absences: filen det skrives til; vedlegg og report: mappen i stedet for elevmappen",
    )
    what = exp.add_subparsers(
        dest="what", metavar="{absences,vedlegg,report}", required=True, parser_class=_Parser
    )
    absences = what.add_parser(
        "absences", parents=[common], help="alt ført fravær som CSV (importformatet)"
    )
    absences.add_argument(
        "--out",
        type=Path,
        default=argparse.SUPPRESS,
        help="filen det skrives til (standard: skjermen)",
    )
    vedlegg = what.add_parser(
        "vedlegg",
        parents=[common],
        help="fyll ut vedlegg 1–4 for en elev fra elevens sak",
        description="1: kartleggingssamtale med elev, 2: med foresatte, 3: skjema for "
        "oppfølging av fravær til ledelsen (bare initialer), 4: skolenærværsplan. "
        "Bare elevens kontaktlærer og ledelsen kan eksportere.",
    )
    vedlegg.add_argument("nr", type=int, choices=[1, 2, 3, 4], metavar="{1,2,3,4}")
    vedlegg.add_argument("--student", required=True, help="elev-id-en, f.eks. E0012")
    vedlegg.add_argument(
        "--out",
        type=Path,
        default=argparse.SUPPRESS,
        help="mappen dokumentet legges i (standard: elevens mappe i elevmappen)",
    )
    vedlegg.add_argument(
        "--date",
        type=_date,
        help="dokumentets dato; fraværet telles til og med den (standard i dag)",
    )
    report = what.add_parser(
        "report",
        parents=[common],
        help="årsrapport om fraværet (dager og timer, vitnemål) som Word og CSV",
    )
    whom = report.add_mutually_exclusive_group(required=True)
    whom.add_argument("--student", help="én elev (elev-id)")
    whom.add_argument("--class", dest="klasse", help="hele klassen, f.eks. 8A")
    report.add_argument(
        "--out",
        type=Path,
        default=argparse.SUPPRESS,
        help="mappen filene legges i (standard: elevmappen og klassens mappe der)",
    )
    report.add_argument(
        "--date", type=_date, help="tall til og med denne datoen, i dens skoleår (standard i dag)"
    )

    backup = sub.add_parser("backup", parents=[common], help="ta en sikkerhetskopi nå")
    backup.add_argument("--list", action="store_true", help="vis sikkerhetskopiene som finnes")
    restore = sub.add_parser(
        "restore", parents=[common], help="gjenopprett en sikkerhetskopi (tar kopi av nå først)"
    )
    restore.add_argument("snapshot", metavar="SIKKERHETSKOPI", help="navnet, f.eks. 2026-11-20")
    restore.add_argument(
        "--force", action="store_true", help="gjenopprett selv om dataene er nyere"
    )
    audit = sub.add_parser("audit", parents=[common], help="vis loggen over endringer")
    audit.add_argument("--student", help="bare endringer som gjelder denne eleven")
    audit.add_argument("--staff", help="bare endringer gjort av denne ansatte (id)")
    audit.add_argument("--since", type=_date, help="fra og med denne datoen")
    audit.add_argument("--json", action="store_true", help="skriv JSON-linjer")

    bench = sub.add_parser("bench", parents=[common], help="mål fart og minne på en demoskole")
    bench.add_argument("--students", type=int, default=600)
    bench.add_argument("--json", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    data_dir: Path = getattr(args, "data", None) or default_data_dir()
    user: str | None = getattr(args, "user", None)
    try:
        return _run(args, data_dir, user)
    except UserError as exc:
        print(f"fravaer: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `fravaer check | head`: the reader went away, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # a fault we did not foresee: still a message, never a traceback
        where = f" ({exc.filename})" if exc.filename else ""
        print(
            f"fravaer: operativsystemet sa nei{where}: {exc.strerror or exc}. Ingenting mer er "
            "endret; det som var lagret før, er urørt.",
            file=sys.stderr,
        )
        return 1


def _run(args: argparse.Namespace, data_dir: Path, user: str | None) -> int:
    now = (args.now or dt.datetime.now()).replace(microsecond=0)
    command = args.command
    if command is None:
        from fravaer_tui.app import run_app

        return run_app(data_dir, user, args.now)
    if command == "demo":
        until = args.until or now.date()
        school = write_demo(data_dir, args.students, args.seed, until)
        print(
            f"Demoskolen «{school.config.navn}» er laget i {data_dir}: "
            f"{len(school.roster.students)} elever, {len(school.roster.classes)} klasser, "
            f"{len(school.roster.staff)} ansatte, fravær fram til {format_date(until)}."
        )
        return 0
    if command == "import":
        school, created = open_or_create_school(data_dir)
        if created:
            print(f"Opprettet en ny skole i {data_dir} (rediger navn og ferier i skole.toml).")
        who = user or getpass.getuser()
        result = import_file(school, args.kind, args.file, who, now)
        print(f"Importert fra {args.file}: {result.detail}.")
        return 0
    if command == "register":
        school = open_school(data_dir)
        staff = resolve_user(school, user)
        marks = [Mark(elev, MarkType.FRAVAER) for elev in args.absent]
        marks += [Mark(elev, MarkType.FORLOT) for elev in args.left]
        for item in args.late:
            elev, _, minutes = item.partition(":")
            if not minutes.strip().isdigit():
                raise UserError(
                    f"--late «{item}»: skriv ELEV-ID:MINUTTER, f.eks. E0012:10 "
                    "(minutter som helt tall)."
                )
            marks.append(Mark(elev.strip(), MarkType.SENT, minutter=int(minutes)))
        saved, old = save_registration(
            school, args.klasse, args.date, args.period, marks, staff.id, now
        )
        what = "endret" if old else "ført"
        print(
            f"{saved.klasse} {format_date(saved.dato)} {saved.time}. time {what} av {staff.id}: "
            f"{_summary(saved.marks)}."
        )
        return 0
    if command == "check":
        school = open_school(data_dir, args.profile)
        dato = args.date or now.date()
        result = run_check(school, dato)
        if args.json:
            print(json.dumps(alerts_json(school, result), ensure_ascii=False, indent=2))
        else:
            print(alerts_table(school, result))
            print(due_table(school, due_steps(school, dato)))
        return 0
    if command == "export":
        school = open_school(data_dir)
        out: Path | None = getattr(args, "out", None)
        if args.what == "absences":
            text = export_absences(school)
            if out:
                write_private_file(out, text.encode("utf-8"))
                print(f"Fraværet er eksportert til {out}.", file=sys.stderr)
            else:
                sys.stdout.write(text)
            return 0
        return _export_documents(args, school, user, out, args.now or now)
    if command == "backup":
        store = open_school(data_dir).store
        if not args.list:
            name = store.backups.snapshot("manuell")
            print(f"Sikkerhetskopi tatt: {store.backups.root / name}")
        for name in store.backups.names():
            print(f"  {name}")
        return 0
    if command == "restore":
        store = open_school(data_dir).store
        saved = store.backups.restore(args.snapshot, force=args.force)
        store.log.append(
            [
                {
                    "hva": "gjenoppretting",
                    "av": user or getpass.getuser(),
                    "kopi": args.snapshot,
                    "tatt_vare_pa": saved,
                }
            ],
            now,
        )
        print(f"Gjenopprettet {args.snapshot}. Det som fantes før, er tatt vare på som {saved}.")
        return 0
    if command == "audit":
        school = open_school(data_dir)
        entries = filter_audit(school.store.log.read(), args.student, args.staff, args.since)
        for entry in entries:
            if args.json:
                print(json.dumps(entry, ensure_ascii=False))
            else:
                print(audit_line(school, entry))
        if not entries and not args.json:
            print("Ingen endringer funnet.")
        return 0
    if command == "bench":
        from fravaer_tui.bench import run_bench

        return run_bench(args.students, args.json)
    raise AssertionError(command)


def _export_user(school: School, user: str | None) -> Staff:
    """Documents carry names and need access rights: the exporting staff member must be known."""
    try:
        return resolve_user(school, user)
    except UserError:
        wanted = user or getpass.getuser()
        how = "" if user else f" (innlogget som «{wanted}»)"
        ledelse = [s for s in school.roster.staff if s.rolle.is_ledelse]
        example = (
            f", f.eks. --user {ledelse[0].id} ({ledelse[0].navn}, {ledelse[0].rolle.label})"
            if ledelse
            else ""
        )
        raise UserError(
            f"Fant ingen ansatt med id eller brukernavn «{wanted}»{how}. Eksport av vedlegg og "
            "rapporter må gjøres som en ansatt med tilgang: bruk --user med id-en til elevens "
            f"kontaktlærer eller en i ledelsen{example}."
        ) from None


def _export_documents(
    args: argparse.Namespace, school: School, user: str | None, out: Path | None, now: dt.datetime
) -> int:
    from fravaer_tui.application import exports

    staff = _export_user(school, user)
    dato = args.date or now.date()
    if args.what == "vedlegg":
        path, report = exports.export_vedlegg(
            school, staff, args.student, args.nr, dato, out, now=now
        )
        student = school.roster.student(args.student)
        whose = f"{student.navn} ({student.id})" if student else args.student
        print(f"Vedlegg {args.nr} for {whose} er lagret i {path}")
        warning = exports.fill_warning(report)
        if warning:
            print(warning, file=sys.stderr)
        return 0
    paths = exports.export_report(
        school, staff, elev=args.student, klasse=args.klasse, dato=dato, out=out, now=now
    )
    documents = [p for p in paths if p.suffix == ".docx"]
    for path in documents:
        print(f"Årsrapport lagret i {path}")
    for path in paths:
        if path.suffix == ".csv":
            print(f"CSV for Excel lagret i {path}")
    what = f"eleven {args.student}" if args.student else f"klasse {args.klasse}"
    count = "1 årsrapport" if len(documents) == 1 else f"{len(documents)} årsrapporter"
    print(f"{count} for {what}, tall til og med {format_date(dato)}.")
    return 0


def _summary(marks: Sequence[Mark]) -> str:
    counts = {kind: sum(1 for m in marks if m.kind is kind) for kind in MarkType}
    parts = [f"{n} {kind.label}" for kind, n in counts.items() if n]
    return ", ".join(parts) if parts else "alle til stede"


SINGULAR = {"timer": "time", "dager": "dag", "ganger": "gang"}


def _amount(value: float, enhet: str) -> str:
    return f"{format_number(value)} {SINGULAR.get(enhet, enhet) if value == 1 else enhet}"


def alerts_json(school: School, result: CheckResult) -> list[dict[str, object]]:
    out = []
    for alert in result.alerts:
        student = school.roster.student(alert.elev)
        figures = result.figures.get(alert.elev)
        out.append(
            {
                "elev_id": alert.elev,
                "navn": student.navn if student else "",
                "klasse": alert.klasse,
                "regel": alert.regel,
                "tittel": alert.tittel,
                "dato": alert.forst.isoformat(),
                "antall": alert.antall,
                "terskel": alert.terskel,
                "enhet": alert.enhet,
                "vindu_fra": alert.vindu_fra.isoformat(),
                "tiltak": alert.tiltak,
                "fravaer_prosent": round(figures.prosent, 1) if figures else None,
                "bevis": [
                    {
                        "dato": e.dato.isoformat(),
                        "time": e.time,
                        "type": e.kind.value,
                        "gyldighet": e.validity.value,
                        "aarsak": e.reason.value if e.reason else None,
                        "minutter": e.minutter,
                    }
                    for e in alert.evidence
                ],
            }
        )
    return out


def alerts_table(school: School, result: CheckResult) -> str:
    profile = school.profile
    lines = [f"Varsler per {format_date(result.dato)} – {profile.navn}", ""]
    if not result.alerts:
        lines.append("Ingen elever har passert tersklene.")
        return "\n".join(lines)
    header = ("Klasse", "Elev", "Regel", "Gjelder fra", "Antall", "Fravær")
    rows = [header]
    for alert in result.alerts:
        rows.append(_alert_row(school, result, alert))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for i, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    students = len(result.flagged)
    lines += [
        "",
        f"{len(result.alerts)} varsler for {students} av {len(school.roster.students)} elever. "
        "Fravær = andel av timene i semesteret så langt.",
    ]
    for rule in profile.rules:
        n = sum(1 for a in result.alerts if a.regel == rule.id)
        if n:
            lines.append(f"  {rule.tittel}: {n} – tiltak: {rule.tiltak}")
    return "\n".join(lines)


def due_table(school: School, due: list) -> str:
    """The follow-up steps due today or overdue: the same list the overviews show."""
    lines = ["", "Oppfølging som forfaller (frist i dag eller passert):"]
    for step in due:
        student = school.roster.student(step.case.elev)
        name = f"{student.etternavn}, {student.fornavn}" if student else "?"
        late = " – FORFALT" if step.overdue else ""
        lines.append(
            f"  {step.case.klasse:<6} {name} ({step.case.elev}) {step.step.tittel}, "
            f"frist {format_date(step.frist)}{late}"
        )
    if not due:
        lines.append("  ingen")
    return "\n".join(lines)


def _alert_row(school: School, result: CheckResult, alert: Alert) -> tuple[str, ...]:
    student = school.roster.student(alert.elev)
    name = f"{student.etternavn}, {student.fornavn}" if student else "?"
    figures = result.figures.get(alert.elev)
    percent = f"{format_number(figures.prosent, 1)} %" if figures else ""
    return (
        alert.klasse,
        f"{name} ({alert.elev})",
        alert.tittel,
        format_date(alert.forst),
        _amount(alert.antall, alert.enhet),
        percent,
    )


if __name__ == "__main__":
    sys.exit(main())
