from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from governance.questionnaires import definition as qdef
from governance.questionnaires.services import (
    VersionConflict,
    library_paths,
    questionnaire_load_file,
)


class Command(BaseCommand):
    help = (
        "Load questionnaire definitions (YAML or JSON) into the library. Without paths, loads "
        "governance/questionnaires/library/. Idempotent; a published version never changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Definition files or folders.")

    def handle(self, *args, paths, **options):
        files: list[Path] = []
        for raw in paths or []:
            path = Path(raw)
            if path.is_dir():
                files += sorted(
                    p for p in path.iterdir() if p.suffix.lower() in {".yaml", ".yml", ".json"}
                )
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{raw}: no such file or folder.")
        if not paths:
            files = library_paths()
        problems: list[str] = []
        for path in files:
            try:
                outcome = questionnaire_load_file(path)
            except qdef.DefinitionInvalid as exc:
                problems += [str(error) for error in exc.errors]
                continue
            except VersionConflict as exc:
                problems += exc.messages
                continue
            q = outcome.questionnaire
            self.stdout.write(
                f"{path.name}: {q.key} {q.version} ({q.status}, {q.question_count} questions) "
                f"{outcome.action}"
            )
        if problems:
            raise CommandError(
                f"{len(problems)} problem(s); nothing was loaded from the files concerned:\n  "
                + "\n  ".join(problems)
            )
