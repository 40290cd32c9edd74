"""Strict models of a course's files: anything unknown or mistyped is an error to report."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Id = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="A stable lowercase id: letters, digits, dashes.",
    ),
]
DirName = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", description="A folder beside this file.")
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CourseFile(Strict):
    """``course.yaml``."""

    format_version: Literal[1] = Field(description="The content format; 1 is the only one so far.")
    id: Id = Field(description="The course id, used in progress files.")
    title: str = Field(min_length=1, description="The course title shown on the home screen.")
    description: str = Field(default="", description="One paragraph about the course.")
    modules: list[DirName] = Field(min_length=1, description="Module folders, in teaching order.")


class ModuleFile(Strict):
    """``module.yaml``."""

    id: Id = Field(description="The module id.")
    title: str = Field(min_length=1, description="The module title.")
    summary: str = Field(default="", description="One paragraph about the module.")
    lessons: list[DirName] = Field(min_length=1, description="Lesson folders, in teaching order.")


class LessonMeta(Strict):
    """The front matter of ``lesson.md``."""

    id: Id = Field(description="The lesson id.")
    title: str = Field(min_length=1, description="The lesson title.")
    minutes: int = Field(
        default=15, ge=1, le=240, description="About how long the lesson and lab take."
    )


class Expectation(Strict):
    """What an API check expects of its answer: exactly one test."""

    equals: Any = Field(default=None, description="The answer equals this value.")
    not_equals: Any = Field(default=None, description="The answer differs from this value.")
    contains: Any = Field(default=None, description="The answer (a list or string) contains this.")
    matches: str | None = Field(
        default=None, description="The answer (a string) matches this regular expression."
    )
    exists: bool | None = Field(
        default=None, description="true: the answer is present; false: it is absent."
    )
    at_least: float | None = Field(
        default=None, description="The answer (a number) is at least this."
    )
    at_most: float | None = Field(
        default=None, description="The answer (a number) is at most this."
    )
    length: int | None = Field(
        default=None, ge=0, description="The answer (a list, map or string) has this length."
    )
    error: str | None = Field(default=None, description="The call fails with this AWS error code.")

    @model_validator(mode="after")
    def exactly_one(self) -> Expectation:
        chosen = self.model_fields_set
        if len(chosen) != 1:
            names = ", ".join(type(self).model_fields)
            raise ValueError(f"give exactly one expectation of: {names} (found {len(chosen)})")
        return self

    @property
    def kind(self) -> str:
        return next(iter(self.model_fields_set))

    @property
    def value(self) -> Any:
        return getattr(self, self.kind)


class ApiCheck(Strict):
    """A check that calls the emulator's API and tests the answer."""

    kind: Literal["api"] = Field(description="An API call and an expectation.")
    id: Id = Field(description="The check id, unique within its task.")
    service: str = Field(description="The boto3 service name, e.g. dynamodb.")
    operation: str = Field(description="The AWS operation, e.g. DescribeTable.")
    params: dict[str, Any] = Field(default_factory=dict, description="The operation's parameters.")
    query: str | None = Field(default=None, description="A JMESPath expression over the answer.")
    expect: Expectation = Field(description="What the answer (or the query's result) must be.")
    points: int = Field(default=1, ge=0, description="Points the check is worth.")
    message: str = Field(
        min_length=1, description="What the learner reads when it fails: what to do next."
    )


class PythonCheck(Strict):
    """A check written as a function in the lab's ``checks.py``."""

    kind: Literal["python"] = Field(description="A function in checks.py.")
    id: Id = Field(description="The check id, unique within its task.")
    function: str = Field(
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="The function's name in checks.py."
    )
    points: int = Field(default=1, ge=0, description="Points the check is worth.")
    message: str = Field(
        min_length=1, description="What the learner reads when it fails: what to do next."
    )


Check = Annotated[ApiCheck | PythonCheck, Field(discriminator="kind")]


class Task(Strict):
    """One thing the learner does, with its hints and checks."""

    id: Id = Field(description="The task id, unique within the lab.")
    title: str = Field(min_length=1, description="The task title.")
    description: str = Field(default="", description="Markdown: what to do.")
    hints: list[str] = Field(min_length=1, description="Hints, from a nudge to nearly the answer.")
    checks: list[Check] = Field(
        min_length=1, description="Checks that all pass when the task is done."
    )


class SetupStep(Strict):
    """An API call made on a fresh account before the learner starts."""

    service: str = Field(description="The boto3 service name.")
    operation: str = Field(description="The AWS operation.")
    params: dict[str, Any] = Field(default_factory=dict, description="The operation's parameters.")


class QuotaSetting(Strict):
    """An account quota the lab sets before the learner starts, as a quota increase would."""

    service: str = Field(description="The service, as in emulator/limits (lambda, sqs, ...).")
    name: str = Field(description="The quota's name in emulator/limits (ConcurrentExecutions).")
    value: float = Field(ge=0, description="The value the lab's account gets.")


class LabFile(Strict):
    """``lab.yaml``."""

    id: Id = Field(description="The lab id, unique in the course; used by `serverlings check`.")
    title: str = Field(min_length=1, description="The lab title.")
    goal: str = Field(min_length=1, description="One sentence shown at the top of the workspace.")
    quotas: list[QuotaSetting] = Field(
        default_factory=list,
        description="Adjustable account quotas set on a fresh account, before the setup calls.",
    )
    setup: list[SetupStep] = Field(
        default_factory=list, description="Calls made on a fresh account."
    )
    tasks: list[Task] = Field(min_length=1, description="The tasks, in order.")


class Question(Strict):
    """One exam-style question."""

    id: Id = Field(description="The question id, unique within the quiz.")
    prompt: str = Field(min_length=1, description="The question.")
    kind: Literal["single", "multiple"] = Field(
        default="single", description="One answer, or several."
    )
    choices: list[str] = Field(min_length=2, max_length=8, description="The choices.")
    answer: list[int] = Field(min_length=1, description="Indexes (from 0) of the right choices.")
    explanation: str = Field(
        min_length=1, description="Why the right answer is right and the others are not."
    )
    domain: str = Field(default="", description="The exam domain it belongs to.")

    @model_validator(mode="after")
    def answers_fit(self) -> Question:
        bad = [n for n in self.answer if not 0 <= n < len(self.choices)]
        if bad:
            raise ValueError(
                f"answer {bad[0]} is not a choice index (0 to {len(self.choices) - 1})"
            )
        if len(set(self.answer)) != len(self.answer):
            raise ValueError("answer lists a choice twice")
        if self.kind == "single" and len(self.answer) != 1:
            raise ValueError("a single-answer question has exactly one answer")
        if self.kind == "multiple" and len(self.answer) < 2:
            raise ValueError("a multiple-answer question has at least two answers")
        return self


class QuizFile(Strict):
    """``quiz.yaml``."""

    questions: list[Question] = Field(min_length=1, description="The questions.")
