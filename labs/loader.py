"""Read a course folder, reporting every problem at once with file:line:column."""

from __future__ import annotations

import difflib
import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from labs.course import Course, Lab, Lesson, Module
from labs.model import ApiCheck, CourseFile, LabFile, LessonMeta, ModuleFile, PythonCheck, QuizFile

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """Something a course author can fix, and where."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}  {self.path or '-'}  {self.message}"


class ContentError(Exception):
    """The course has problems; ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the course")
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def rel(self, file: Path) -> str:
        try:
            return str(file.relative_to(self.root.parent))
        except ValueError:
            return str(file)

    def add(self, file: Path, line: int, column: int, path: str, message: str) -> None:
        self.problems.append(Problem(self.rel(file), line, column, path, message))

    def yaml(self, file: Path, text: str | None = None, line_offset: int = 0) -> tuple[Any, Any]:
        if text is None:
            if not file.is_file():
                self.add(file, 1, 1, "", f"missing file {file.name}")
                return None, None
            text = file.read_text(encoding="utf-8")
        try:
            node = yaml.compose(text)
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = (mark.line + 1 + line_offset) if mark else 1
            column = (mark.column + 1) if mark else 1
            self.add(file, line, column, "", f"not valid YAML: {getattr(error, 'problem', error)}")
            return None, None
        return data, _Positions(node, line_offset)

    def model(self, cls: type[M], data: Any, positions: Any, file: Path) -> M | None:
        if data is None and positions is None:
            return None
        try:
            return cls.model_validate(data if data is not None else {})
        except ValidationError as error:
            for detail in error.errors():
                self._report(cls, detail, positions, file)
            return None

    def _report(self, cls: type[BaseModel], detail: Any, positions: Any, file: Path) -> None:
        loc = [
            part
            for part in detail["loc"]
            if not (isinstance(part, str) and part in ("api", "python"))
        ]
        kind = detail["type"]
        path = _dotted(loc)
        line, column = positions.find(loc, key=kind == "extra_forbidden") if positions else (1, 1)
        if kind == "missing":
            message = f"missing required field '{loc[-1]}'"
        elif kind == "extra_forbidden":
            allowed = _allowed_fields(cls, loc[:-1])
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            message = f"unknown field '{loc[-1]}'" + (
                f"; did you mean '{close[0]}'?" if close else f"; allowed: {', '.join(allowed)}"
            )
        elif kind == "literal_error" and loc and loc[-1] == "kind":
            message = f"{detail['msg']} (got {detail.get('input')!r})"
        else:
            message = detail["msg"].removeprefix("Value error, ")
        self.add(file, line, column, path, message)


class _Positions:
    """Finds the line and column of a field path in a composed YAML node tree."""

    def __init__(self, node: Any, line_offset: int) -> None:
        self.node = node
        self.offset = line_offset

    def find(self, loc: list[Any], key: bool = False) -> tuple[int, int]:
        node = self.node
        found = node
        for part in loc:
            child = _child(node, part, key and part is loc[-1])
            if child is None:
                break
            found = node = child
        if found is None:
            return 1 + self.offset, 1
        return found.start_mark.line + 1 + self.offset, found.start_mark.column + 1


def _child(node: Any, part: Any, want_key: bool) -> Any:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == str(part):
                return key_node if want_key else value_node
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None


def _dotted(loc: list[Any]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _allowed_fields(cls: type[BaseModel], loc: list[Any]) -> list[str]:
    model: Any = cls
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        model = _model_of(field.annotation)
    if model is None:
        return list(ApiCheck.model_fields) + [
            f for f in PythonCheck.model_fields if f not in ApiCheck.model_fields
        ]
    return list(model.model_fields)


def _model_of(annotation: Any) -> Any:
    for candidate in getattr(annotation, "__args__", ()) or (annotation,):
        inner = _model_of(candidate) if getattr(candidate, "__args__", None) else candidate
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    return None


def load_course(path: Path | str) -> Course:
    """Load a course folder. Raises ContentError listing every problem found."""
    root = Path(path)
    if not (root / "course.yaml").is_file():
        raise ContentError(
            [
                Problem(
                    str(root / "course.yaml"), 1, 1, "", "no course.yaml: is this a course folder?"
                )
            ]
        )
    reader = _Reader(root)
    data, positions = reader.yaml(root / "course.yaml")
    course_file = reader.model(CourseFile, data, positions, root / "course.yaml")
    names = course_file.modules if course_file else []
    modules = _folders(
        reader, root / "course.yaml", positions, "modules", names, "module.yaml", _module
    )
    _unique_ids(reader, root, modules)
    if reader.problems or course_file is None:
        raise ContentError(sorted(reader.problems, key=lambda p: (p.file, p.line, p.column)))
    return Course(course_file.id, course_file.title, course_file.description, root, tuple(modules))


def _folders(
    reader: _Reader,
    file: Path,
    positions: Any,
    key: str,
    names: list[str],
    marker: str,
    load: Any,
) -> list[Any]:
    """Load each listed folder with ``load``; a folder without its ``marker`` file is a problem."""
    loaded = []
    for index, name in enumerate(names):
        folder = file.parent / name
        if not (folder / marker).is_file():
            line, column = positions.find([key, index])
            reader.add(
                file,
                line,
                column,
                f"{key}[{index}]",
                f"no {key[:-1]} folder {name}/ with a {marker}",
            )
            continue
        item = load(reader, folder)
        if item is not None:
            loaded.append(item)
    return loaded


def _module(reader: _Reader, folder: Path) -> Module | None:
    data, positions = reader.yaml(folder / "module.yaml")
    module_file = reader.model(ModuleFile, data, positions, folder / "module.yaml")
    if module_file is None:
        return None
    lessons = _folders(
        reader,
        folder / "module.yaml",
        positions,
        "lessons",
        module_file.lessons,
        "lesson.md",
        _lesson,
    )
    return Module(module_file.id, module_file.title, module_file.summary, tuple(lessons))


def _lesson(reader: _Reader, folder: Path) -> Lesson | None:
    file = folder / "lesson.md"
    text = file.read_text(encoding="utf-8")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---" or "---" not in [s.strip() for s in lines[1:]]:
        reader.add(
            file,
            1,
            1,
            "",
            "lesson.md must start with front matter between two '---' lines (id, title, minutes)",
        )
        return None
    end = 1 + [s.strip() for s in lines[1:]].index("---")
    data, positions = reader.yaml(file, "\n".join(lines[1:end]), line_offset=1)
    meta = reader.model(LessonMeta, data, positions, file)
    markdown = "\n".join(lines[end + 1 :]).strip() + "\n"
    lab = _lab(reader, folder) if (folder / "lab.yaml").exists() else None
    quiz: tuple[Any, ...] = ()
    if (folder / "quiz.yaml").exists():
        quiz_data, quiz_positions = reader.yaml(folder / "quiz.yaml")
        quiz_file = reader.model(QuizFile, quiz_data, quiz_positions, folder / "quiz.yaml")
        if quiz_file is not None:
            _unique(
                reader,
                folder / "quiz.yaml",
                quiz_positions,
                "questions",
                [q.id for q in quiz_file.questions],
            )
            quiz = tuple(quiz_file.questions)
    if meta is None:
        return None
    return Lesson(meta.id, meta.title, meta.minutes, markdown, folder, lab, quiz)


def _lab(reader: _Reader, folder: Path) -> Lab | None:
    file = folder / "lab.yaml"
    data, positions = reader.yaml(file)
    lab_file = reader.model(LabFile, data, positions, file)
    if isinstance(data, dict):
        _deep_checks(reader, folder, data, positions)
    if not (folder / "solution" / "commands.txt").is_file():
        reader.add(
            file, 1, 1, "", "the lab has no solution/commands.txt (the commands that solve it)"
        )
    if lab_file is None:
        return None
    return Lab(
        lab_file.id,
        lab_file.title,
        lab_file.goal,
        tuple(lab_file.tasks),
        tuple(lab_file.setup),
        folder,
        tuple(lab_file.quotas),
    )


def _items(data: Any, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _deep_checks(reader: _Reader, folder: Path, data: dict[str, Any], positions: Any) -> None:
    """What the schema cannot see: services, operations, queries, functions, duplicate ids.

    Runs on the raw data, so these are reported even when the schema found problems too.
    """
    file = folder / "lab.yaml"
    checks_module = _checks_module(reader, folder)
    tasks = _items(data, "tasks")
    _unique(reader, file, positions, "tasks", [t.get("id") for t in tasks if isinstance(t, dict)])
    for t, task in enumerate(tasks):
        checks = _items(task, "checks")
        _unique(
            reader,
            file,
            positions,
            f"tasks.{t}.checks",
            [c.get("id") for c in checks if isinstance(c, dict)],
        )
        for c, check in enumerate(checks):
            if not isinstance(check, dict):
                continue
            where: list[Any] = ["tasks", t, "checks", c]
            if check.get("kind") == "api":
                if isinstance(check.get("service"), str) and isinstance(
                    check.get("operation"), str
                ):
                    _operation(reader, file, positions, where, check["service"], check["operation"])
                if isinstance(check.get("query"), str):
                    _query(reader, file, positions, where, check["query"])
            elif check.get("kind") == "python" and isinstance(check.get("function"), str):
                _function(reader, file, positions, where, checks_module, check["function"])
    for q, quota in enumerate(_items(data, "quotas")):
        if isinstance(quota, dict) and isinstance(quota.get("service"), str):
            _quota(reader, file, positions, ["quotas", q], quota)
    for s, step in enumerate(_items(data, "setup")):
        if (
            isinstance(step, dict)
            and isinstance(step.get("service"), str)
            and isinstance(step.get("operation"), str)
        ):
            _operation(reader, file, positions, ["setup", s], step["service"], step["operation"])


def _quota(
    reader: _Reader, file: Path, positions: Any, where: list[Any], quota: dict[str, Any]
) -> None:
    from emulator import limits

    service, name = quota["service"], quota.get("name")
    known = [n for s, n in limits.LIMITS if s == service]
    if not known:
        line, column = positions.find([*where, "service"])
        services = sorted({s for s, _ in limits.LIMITS})
        reader.add(
            file,
            line,
            column,
            _dotted([*where, "service"]),
            f"no quotas for service '{service}'; there are quotas for: {', '.join(services)}",
        )
        return
    if not isinstance(name, str) or (service, name) not in limits.LIMITS:
        line, column = positions.find([*where, "name"])
        adjustable = [n for n in known if limits.get(service, n).adjustable]
        close = difflib.get_close_matches(str(name), adjustable, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        reader.add(
            file,
            line,
            column,
            _dotted([*where, "name"]),
            f"{service} has no quota '{name}'{hint} (adjustable: {', '.join(adjustable)})",
        )
        return
    if not limits.get(service, name).adjustable:
        line, column = positions.find([*where, "name"])
        reader.add(
            file,
            line,
            column,
            _dotted([*where, "name"]),
            f"{service}.{name} is fixed by AWS; a lab can only set adjustable quotas",
        )


def _function(
    reader: _Reader, file: Path, positions: Any, where: list[Any], module: Any, name: str
) -> None:
    if module is False:
        return  # checks.py itself is broken, and that is reported
    if callable(getattr(module, name, None)):
        return
    line, column = positions.find([*where, "function"])
    known = [n for n in dir(module) if n.startswith("check")] if module else []
    close = difflib.get_close_matches(name, known, n=1)
    hint = (
        f"; did you mean '{close[0]}'?"
        if close
        else ("" if module else " (there is no checks.py beside lab.yaml)")
    )
    reader.add(
        file,
        line,
        column,
        _dotted([*where, "function"]),
        f"checks.py has no function '{name}'{hint}",
    )


def _checks_module(reader: _Reader, folder: Path) -> ModuleType | bool | None:
    """checks.py as a module; None when absent; False when it could not be loaded."""
    path = folder / "checks.py"
    if not path.exists():
        return None
    try:
        return load_checks(path)
    except SyntaxError as error:
        reader.add(path, error.lineno or 1, error.offset or 1, "", f"syntax error: {error.msg}")
    except Exception as error:
        reader.add(path, 1, 1, "", f"checks.py fails to import: {error!r}")
    return False


def load_checks(path: Path) -> ModuleType:
    """Import a lab's checks.py by path (content data, not part of the engine)."""
    name = "serverlings_checks_" + "_".join(path.parent.parts[-3:]).replace("-", "_").replace(
        ".", "_"
    )
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _query(reader: _Reader, file: Path, positions: Any, where: list[Any], query: str) -> None:
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        jmespath.compile(query)
    except JMESPathError as error:
        line, column = positions.find([*where, "query"])
        reader.add(
            file, line, column, _dotted([*where, "query"]), f"not a valid JMESPath query: {error}"
        )


def _operation(
    reader: _Reader, file: Path, positions: Any, where: list[Any], service: str, operation: str
) -> None:
    from emulator.services import REGISTRY

    if service not in REGISTRY:
        line, column = positions.find([*where, "service"])
        close = difflib.get_close_matches(service, list(REGISTRY), n=1)
        hint = (
            f"; did you mean '{close[0]}'?"
            if close
            else f"; the emulator has: {', '.join(REGISTRY)}"
        )
        reader.add(
            file, line, column, _dotted([*where, "service"]), f"unknown service '{service}'{hint}"
        )
        return
    try:
        api = importlib.import_module(f"emulator.services.{REGISTRY[service]}.api")
    except ImportError:
        return
    if operation not in api.OPERATIONS:
        line, column = positions.find([*where, "operation"])
        close = difflib.get_close_matches(operation, list(api.OPERATIONS), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        reader.add(
            file,
            line,
            column,
            _dotted([*where, "operation"]),
            f"{service} has no operation '{operation}' in the emulator{hint}",
        )


def _unique(reader: _Reader, file: Path, positions: Any, where: str, ids: list[Any]) -> None:
    seen: set[str] = set()
    loc: list[Any] = [int(p) if p.isdigit() else p for p in where.split(".")]
    for index, item_id in enumerate(ids):
        if item_id in seen:
            line, column = positions.find([*loc, index, "id"])
            reader.add(
                file, line, column, _dotted([*loc, index, "id"]), f"duplicate id '{item_id}'"
            )
        seen.add(item_id)


def _unique_ids(reader: _Reader, root: Path, modules: list[Module]) -> None:
    seen: dict[str, Path] = {}
    for lesson in (lesson for module in modules for lesson in module.lessons):
        for kind, item_id, where in (
            ("lesson", lesson.id, lesson.dir / "lesson.md"),
            ("lab", lesson.lab.id if lesson.lab else None, lesson.dir / "lab.yaml"),
        ):
            if item_id is None:
                continue
            key = f"{kind}:{item_id}"
            if key in seen:
                reader.add(
                    where,
                    1,
                    1,
                    "id",
                    f"duplicate {kind} id '{item_id}' (also in {reader.rel(seen[key])})",
                )
            seen[key] = where
