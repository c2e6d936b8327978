"""The schema of the clause library: what a control file and a playbook file may say.

Controls and playbooks are YAML data validated by these models; unknown keys are rejected so that a typo
in a reviewer's file is an error, not a silently ignored rule. ``clause_library/schema/*.json`` is the
JSON Schema generated from these models (``clausecheck library schema``).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "WEAK_REASONS",
    "Certainty",
    "Control",
    "ControlStatus",
    "Example",
    "Examples",
    "Fallback",
    "FrameworkReference",
    "MatchSpec",
    "Parameter",
    "PartyVocabulary",
    "Playbook",
    "PlaybookControl",
    "Severity",
    "Unit",
]

#: Weak-language reasons a control may list, and the keys of ``weak:`` in ``clause_library/language.yaml``
#: (which holds their phrases and messages): a misspelt reason is an error in either file.
WeakReasonName = Literal[
    "vague_timing",
    "effort_qualifier",
    "permissive",
    "discretion",
    "late_trigger",
    "days_not_hours",
    "over_threshold",
    "no_parameter",
    "benchmark_only",
    "carve_out",
    "on_request",
    "cost_shift",
    "website_notice",
    "general_only",
    "no_commitment",
    "partial",
    "guidance",
]
WEAK_REASONS: tuple[str, ...] = get_args(WeakReasonName)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Severity(StrEnum):
    """How much a missing control matters; playbooks may override it."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class ControlStatus(StrEnum):
    """Lifecycle of a control, as in Sigma rules."""

    EXPERIMENTAL = "experimental"
    STABLE = "stable"
    DEPRECATED = "deprecated"


class Certainty(StrEnum):
    """How sure the research is of a reference (the catalogue marks uncertain facts with ⚠)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Unit(StrEnum):
    """Units a parameter can be stated in."""

    HOURS = "hours"
    DAYS = "days"
    BUSINESS_DAYS = "business_days"
    MONTHS = "months"
    AMOUNT = "amount"


class FrameworkReference(_Strict):
    """Where a control comes from: a framework, the provision, and what it requires."""

    # A reviewer writes "section: 11.4"; YAML reads a number, we keep the text.
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)

    framework: str = Field(description="Short framework name: GDPR, DORA, NIS2, NIST SP 800-53 ...")
    section: str = Field(description="Article, section or control id, e.g. 'Art. 30(2)(c)'.")
    requirement: str = Field(min_length=10, description="What the provision requires, in our words.")
    parameter: str | None = Field(
        default=None, description="The number the source sets, if it sets one (e.g. '72 hours')."
    )
    certainty: Certainty = Certainty.HIGH
    note: str = ""


class MatchSpec(_Strict):
    """The language that finds a control, compiled by the matcher.

    ``terms`` names groups of phrases. A phrase is matched case-insensitively on word boundaries; a
    trailing ``*`` matches any word ending (``notif*`` finds notify, notifies, notification), ``?`` one
    optional letter (``authori?ation``), and hyphens and spaces are interchangeable. A clause
    addresses the control when every group of at least one ``rules`` entry has a hit. ``action`` is the
    group whose position decides which party and modal verb govern the clause. ``exclude`` phrases
    veto a clause (known false positives); ``conflict`` rules find express negation or disclaimers;
    ``satisfy_by_prohibition`` marks controls that a prohibition satisfies ("shall not use ... to
    train"), so that "shall not" there is the obligation, not its negation.
    """

    terms: dict[str, list[str]]
    rules: list[list[str]] = Field(min_length=1)
    action: str
    exclude: list[str] = Field(default_factory=list)
    conflict: list[list[str]] = Field(default_factory=list)
    conflict_terms: dict[str, list[str]] = Field(default_factory=dict)
    weak_rules: list[list[str]] = Field(
        default_factory=list,
        description="Rules (lists of term groups) that find language addressing only part of the control:"
        " a clause found only by these is at best weak ('partial').",
    )
    weak_terms: list[str] = Field(
        default_factory=list,
        description="Phrases that make a clause addressing this control weak ('partial'), e.g. a transfer"
        " mechanism named without a location commitment.",
    )
    defining: list[str] = Field(
        default_factory=list,
        description="Term groups that define the control: a clause holding none of their words (a detector"
        " proposal read by meaning, or a weak rule's hit) addresses only part of it ('partial'), e.g."
        " logging that names no privileged or administrative access.",
    )
    satisfy_by_prohibition: bool = False
    limits_action: bool = Field(
        default=False,
        description="The action names what the control restricts (use, disclose, transfer, train): a"
        " permission to do it ('Provider may use ...') is not evidence, while a prohibition is the"
        " obligation. Implies satisfy_by_prohibition.",
    )
    customer_right: Literal["none", "met", "weak"] = Field(
        default="none",
        description="Whether a right granted to the customer ('Customer may audit ...') addresses the"
        " control, and how firmly (audit rights, termination rights, objection to subprocessors).",
    )
    near: int = Field(
        default=0,
        ge=0,
        description="If set, the groups of a rule must all hit within this many words of each other.",
    )

    @model_validator(mode="after")
    def _groups_exist(self) -> MatchSpec:
        known = set(self.terms) | set(self.conflict_terms)
        for rule in [*self.rules, *self.conflict, *self.weak_rules]:
            for group in rule:
                if group not in known:
                    raise ValueError(f"rule names unknown term group {group!r}")
        for group in self.defining:
            if group not in self.terms:
                raise ValueError(f"defining names unknown term group {group!r}")
        if self.action not in self.terms:
            raise ValueError(f"action {self.action!r} is not a term group")
        for name, phrases in {**self.terms, **self.conflict_terms}.items():
            if not phrases:
                raise ValueError(f"term group {name!r} is empty")
        return self


class Parameter(_Strict):
    """A number the control reads from a clause, and the thresholds a playbook compares it with.

    ``key`` is the stem: the reported key is ``{key}_{unit}`` (notification_hours,
    notification_business_days). ``direction`` says which way is stricter: ``max`` (a window: lower is
    better) or ``min`` (a retention or an amount: higher is better). Thresholds are in ``unit``.
    """

    key: str = Field(pattern=r"^[a-z][a-z_]*$")
    unit: Unit
    accept_units: list[Unit] = Field(default_factory=list)
    direction: Literal["max", "min"] = "max"
    strict: float | None = None
    acceptable: float | None = None
    basis: Literal["regulation", "derived", "proposal"] = "proposal"
    basis_note: str = ""
    required: bool = Field(
        default=False, description="A clause without this number is weak (e.g. 'promptly')."
    )
    context: list[str] = Field(
        default_factory=list,
        description="Phrases that name the number belonging to this parameter when one clause states several"
        " (e.g. 'critical' for critical_vuln days): the number after one in its limb, or one followed by"
        " 'for' and the phrase ('within 15 days for critical vulnerabilities').",
    )
    required_in_context: bool = Field(
        default=False,
        description="Required (see 'required') only in a clause that names this number's duty by one of its"
        " context phrases: in a control of two duties, a clause of the one without a number (a disclosure"
        " process beside a notice window) is not weak for the number it does not need.",
    )
    context_before: bool = Field(
        default=False,
        description="The number may also stand before its context phrase in the sentence, when no number"
        " follows one ('Within 30 days after resolution, Vendor shall deliver a root cause analysis').",
    )

    @model_validator(mode="after")
    def _context_for_required_in_context(self) -> Parameter:
        if self.required_in_context and not (self.required and self.context):
            raise ValueError("required_in_context needs required: true and context phrases")
        return self

    @property
    def report_key(self) -> str:
        """The key under which a number in the control's own unit is reported."""
        return f"{self.key}_{self.unit.value}"


class Fallback(_Strict):
    """Model language to send back to the vendor, in our own drafting."""

    strict: str = Field(min_length=40)
    acceptable: str = Field(min_length=40)


class Example(_Strict):
    """A sentence and what the matcher must make of it."""

    text: str = Field(min_length=10)
    params: dict[str, float] = Field(default_factory=dict)
    reason: str | None = None
    heading: str | None = Field(
        default=None, description="A heading to read the sentence under (for schedule context)."
    )
    note: str = ""


class Examples(_Strict):
    """Positive (met), weak, conflict and negative sentences for a control."""

    met: list[Example] = Field(min_length=1)
    weak: list[Example] = Field(default_factory=list)
    conflict: list[Example] = Field(default_factory=list)
    negative: list[Example] = Field(default_factory=list)

    @field_validator("met", "weak", "conflict", "negative", mode="before")
    @classmethod
    def _plain_strings(cls, value: object) -> object:
        if isinstance(value, list):
            return [{"text": v} if isinstance(v, str) else v for v in value]
        return value


class Control(_Strict):
    """One security control a contract should bind the vendor to."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=5)
    family: Literal["supply_chain", "network_data", "incident", "access", "oversight", "ai_data"]
    status: ControlStatus = ControlStatus.EXPERIMENTAL
    severity: Severity
    catalogue: str = Field(default="", description="Catalogue code, e.g. SC-01.")
    description: str = Field(min_length=20)
    rationale: str = Field(min_length=20)
    references: list[FrameworkReference] = Field(min_length=1)
    match: MatchSpec
    parameters: list[Parameter] = Field(default_factory=list)
    weak_reasons: list[str] = Field(default_factory=list)
    fallback: Fallback
    known_false_positives: list[str] = Field(default_factory=list)
    implied_by: list[str] = Field(
        default_factory=list,
        description="Controls whose met or weak finding addresses this one implicitly: with no clause of"
        " its own, the control stays missing and its finding names the implying clause (code 'implied'),"
        " e.g. a use limitation implies, but does not state, a no-training commitment.",
    )
    examples: Examples
    added: str = Field(default="", description="ISO date the control was added.")
    modified: str = ""

    @field_validator("weak_reasons")
    @classmethod
    def _known_reasons(cls, value: list[str]) -> list[str]:
        unknown = [r for r in value if r not in WEAK_REASONS]
        if unknown:
            raise ValueError(f"unknown weak reasons {unknown}; known: {', '.join(WEAK_REASONS)}")
        return value


#: The lists of :class:`PartyVocabulary` that give a word a side; a word may stand in one of them only.
PARTY_SIDES = ("vendor", "customer", "vendor_pronouns", "customer_pronouns", "undecided", "mutual")


class PartyVocabulary(_Strict):
    """The one party vocabulary (``parties:`` in ``language.yaml``), read by every analyser.

    Phrases as in control terms. A word in two lists would make the same party the vendor in one
    reading and the customer in another, so it is an error, like an unknown key.
    """

    vendor: list[str] = Field(
        min_length=1, description="Words that name the vendor side wherever they appear."
    )
    customer: list[str] = Field(min_length=1, description="Words that name the customer side.")
    vendor_pronouns: list[str] = Field(
        default_factory=list,
        description="'we', 'us': the vendor in online terms; never name a defined party.",
    )
    customer_pronouns: list[str] = Field(
        default_factory=list, description="'you': the customer in online terms; never name a defined party."
    )
    undecided: list[str] = Field(
        default_factory=list,
        description="Words whose side only the document decides ('the Company', 'the Bank').",
    )
    mutual: list[str] = Field(default_factory=list, description="Both parties or either of them.")
    legal_forms: list[str] = Field(
        default_factory=list,
        description="Legal forms (Inc, Ltd, plc, GmbH) that mark a defined name as a party of the agreement.",
    )
    name_placeholders: list[str] = Field(
        default_factory=list,
        description="Words that make a bracketed template blank standing before a definition a party's name"
        " ('[Company Name] (“Provider”)', '[School/District Name] (“School”)'): the definition is a party's.",
    )
    not_names: list[str] = Field(
        default_factory=list,
        description="Role words too generic to stand for a party's name in fallback language ('user',"
        " 'agency'); each must be a word of one of the lists above.",
    )
    addressed_duties: int = Field(
        default=5,
        gt=0,
        description="A document that defines no vendor and binds no vendor word, but binds one of the generic"
        " customer words of not_names ('the data user must') this many times, is addressed to that party:"
        " the party that implements its requirements, the vendor side.",
    )

    @model_validator(mode="after")
    def _one_side_per_word(self) -> PartyVocabulary:
        seen: dict[str, str] = {}
        for side in PARTY_SIDES:
            for phrase in getattr(self, side):
                key = " ".join(phrase.lower().replace("-", " ").split())
                if key in seen and seen[key] != side:
                    raise ValueError(f"{phrase!r} is in both {seen[key]!r} and {side!r}: one side per word")
                seen[key] = side
        unknown = [w for w in self.not_names if " ".join(w.lower().replace("-", " ").split()) not in seen]
        if unknown:
            raise ValueError(f"not_names {unknown} are in no party list: check the spelling")
        return self


class Modality(_Strict):
    """Phrases that decide how firmly a clause binds its subject (regular phrases, as terms)."""

    binding: list[str] = Field(min_length=1)
    permissive: list[str] = Field(default_factory=list)
    soft: list[str] = Field(default_factory=list)
    soft_between: list[str] = Field(
        default_factory=list,
        description="Words that may stand between the binding word and the verb of a `soft` phrase, up to"
        " two of them, with or without commas ('shall in particular consider', 'will, where possible,"
        " endeavour'): the phrase is still soft.",
    )
    negated: list[str] = Field(default_factory=list)
    prohibition: list[str] = Field(default_factory=list)
    descriptive: list[str] = Field(default_factory=list)
    imperative: list[str] = Field(
        default_factory=list,
        description="Verbs that, opening a clause or a list item, bind the reader it addresses ('Encrypt ...').",
    )


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{pattern!r} is not a valid regular expression ({exc})") from None
    return pattern


#: A regular expression of the language file: one that does not compile is a load error naming it,
#: never a traceback when the matcher is built.
RegexPhrase = Annotated[str, AfterValidator(_compiles)]


class WeakReason(_Strict):
    """One reason a duty is weak: the phrases that show it and the message a finding gives."""

    message: str
    phrases: list[RegexPhrase] = Field(default_factory=list)


NonEvidenceKind = Literal[
    "definition", "liability", "indemnity", "disclaimer", "cross_reference_only", "question"
]


class ReadingWindows(_Strict):
    """How far, in characters, the decision stages look around an action word or a modal."""

    refusal_distance: int = Field(
        gt=0, description="A negated modal this close before the action refuses it ('will not encrypt')."
    )
    negation_reach: int = Field(gt=0, description="A negation this close before a weak phrase negates it.")
    period_definition_reach: int = Field(
        gt=0, description="'\"Notice Period\" means 48 hours': how far after 'means' the duration is read."
    )
    period_definition_start: int = Field(
        gt=0, description="... and how close after 'means' that duration must start."
    )
    role_word_reach: int = Field(
        gt=0,
        description="A role word this close before a defined name introduces it ('as service provider (\"Acme\")').",
    )
    party_segment_reach: int = Field(
        gt=0, description="How far before a defined name the words that introduce it are read."
    )
    legal_form_reach: int = Field(
        gt=0,
        description="'\"Acme\" means Acme Ltd': a legal form this early in a definition makes it a party.",
    )
    definition_side_reach: int = Field(
        gt=0, description="How far into a party's definition a role word gives it its side."
    )


class ReadingWords(_Strict):
    """The words and windows of the decision stages (checker/match/judge.py), as regular phrases."""

    feasibility: list[RegexPhrase] = Field(
        min_length=1, description="'where technically feasible': no weak effort."
    )
    exclusive: list[RegexPhrase] = Field(
        min_length=1, description="'only', 'solely': a permission that limits."
    )
    restrictive: list[RegexPhrase] = Field(
        min_length=1, description="'that', 'unless': a prohibition scoped."
    )
    grants_right: list[RegexPhrase] = Field(
        min_length=1, description="'right', 'entitled', 'may': a right granted."
    )
    subordinate: list[RegexPhrase] = Field(
        min_length=1, description="'that', 'if': a relative or conditional clause."
    )
    attributive: list[RegexPhrase] = Field(
        min_length=1, description="After a party name, an attribute: 'Customer Data', 'Provider Personnel'."
    )
    object_markers: list[RegexPhrase] = Field(
        min_length=1,
        description="Before a party name, an object: 'notify Customer', 'on behalf of Provider'.",
    )
    conditions: list[RegexPhrase] = Field(
        min_length=1, description="'if', 'unless': a condition, not a refusal."
    )
    determiners: list[RegexPhrase] = Field(
        default_factory=list,
        description="'the', 'any': a noun phrase they open may be qualified by a clause ('the tools you use'), "
        "whose subject is not the sentence's.",
    )
    limb_openers: list[RegexPhrase] = Field(
        min_length=1, description="'provided that', 'unless': words that open a limb of their own."
    )
    coordinators: list[RegexPhrase] = Field(
        min_length=1, description="'and', 'or': words that join limbs (a new subject, modal or verb follows)."
    )
    participles: list[RegexPhrase] = Field(
        default_factory=list, description="Past participles without -ed: 'shall be given' is passive."
    )
    not_verbs: list[str] = Field(
        default_factory=list, description="Words in -s after a subject that are not verbs: 'Customer data'."
    )
    own_duty_nouns: list[RegexPhrase] = Field(
        min_length=1, description="'Customer's own obligations': the customer's duty the vendor only assists."
    )
    assist_verbs: list[RegexPhrase] = Field(
        min_length=1, description="'assist', 'help': assistance, not the duty."
    )
    enable_verbs: list[RegexPhrase] = Field(
        min_length=1, description="'allow Customer to audit': a right enabled."
    )
    negations: list[RegexPhrase] = Field(
        min_length=1, description="'at no additional cost': a negated weak phrase."
    )
    non_base_forms: list[RegexPhrase] = Field(
        default_factory=list,
        description="Word endings that are no verb's base form: 'Encryption protects ...' opens with a noun, "
        "not the imperative 'Encrypt ...'.",
    )
    requirement_ids: list[RegexPhrase] = Field(
        default_factory=list,
        description="A requirement's identifier opening a clause ('ISM-1755;', '[AUD-1]', '4.14 |'), read on "
        "folded text: a numbered requirement binds the party that implements it.",
    )
    subject_pronouns: list[RegexPhrase] = Field(
        min_length=1,
        description="'it', 'they' right before a modal: the subject of the limb before ('agrees: that it will').",
    )
    joint_subjects: list[RegexPhrase] = Field(
        min_length=1,
        description="'and', 'together with' between a vendor and a customer before one modal: both are bound.",
    )
    verb_adverbs: list[RegexPhrase] = Field(
        min_length=1,
        description="'also', 'only': adverbs that may stand between a subject and its present-tense verb "
        "('Vendor also encrypts').",
    )
    name_verbs: list[RegexPhrase] = Field(
        min_length=1,
        description="'shall', 'is': after a capitalised party name, its verb; any other capitalised word "
        "makes the name an attribute ('Customer Data').",
    )
    name_openers: list[RegexPhrase] = Field(
        min_length=1,
        description="'the', 'of', 'no': before an unknown capitalised name, words that make it part of a "
        "phrase, not the subject that binds itself ('the Data Center shall', 'of Section 5 shall').",
    )
    own_duty_qualifiers: list[RegexPhrase] = Field(
        min_length=1,
        description="'own', 'legal': words between the customer and the duty it owns "
        "('Customer's own legal obligations').",
    )
    number_links: list[RegexPhrase] = Field(
        min_length=1,
        description="'for', 'in respect of': after a number, what links it to the context phrase that names "
        "what it is for ('within 15 days for critical vulnerabilities').",
    )
    number_link_articles: list[RegexPhrase] = Field(
        min_length=1, description="'the', 'any': articles that may follow a number link ('for any critical')."
    )
    definition_fillers: list[RegexPhrase] = Field(
        min_length=1,
        description="'hereinafter', 'collectively', 'referred to as': the only words, beside quoted names, of a "
        "parenthesis that defines party names.",
    )
    defines: list[RegexPhrase] = Field(
        min_length=1, description="'means', 'refers to': after quoted names, their definition follows."
    )
    name_introducers: list[RegexPhrase] = Field(
        min_length=1,
        description="'as', 'acting as', 'the': right before a role word that introduces a defined name "
        "('..., as service provider (\u201cAcme\u201d)').",
    )
    coordinated_adverbs: list[RegexPhrase] = Field(
        min_length=1,
        description="'then', 'also': between a coordinator and the verb it opens ('and then notify').",
    )
    noun_followers: list[RegexPhrase] = Field(
        min_length=1,
        description="'of', 'and': after an imperative verb's word, it is a noun ('and report of').",
    )
    abbreviations: list[Annotated[str, Field(pattern=r"^[a-z]+$")]] = Field(
        min_length=1,
        description="'inc', 'no': a full stop after one ends no sentence ('Acme Inc.', 'No. 5'); plain "
        "lower-case words (each is read behind the full stop, so it cannot be a pattern).",
    )
    number_followers: list[RegexPhrase] = Field(
        min_length=1,
        description="'days', 'percent': after a bracketed number ('thirty (30) days') it is a number, not a list mark.",
    )
    possession: list[RegexPhrase] = Field(
        min_length=1, description="'has', 'have': 'Customer has 30 days to object' grants a right."
    )
    party_verbs: list[RegexPhrase] = Field(
        min_length=1,
        description="'shall', 'agrees': after a defined name, it is bound, so it names a party "
        "('Acme shall'), not a document ('this Agreement').",
    )
    thing_articles: list[RegexPhrase] = Field(
        min_length=1, description="'this', 'the': a defined name they introduce is a thing ('this DPA')."
    )
    generic_openers: list[RegexPhrase] = Field(
        min_length=1,
        description="'The', 'Any': a definition opening with one describes, where one opening with a name "
        "names the party ('\u201cGitHub\u201d means GitHub, Inc.').",
    )
    windows: ReadingWindows


DurationUnit = Literal["hours", "days", "business_days", "weeks", "months", "years", "minutes"]


class QuantityWords(_Strict):
    """How numbers are written (checker/match/quantities.py): number words, units, frequencies, currencies."""

    number_words: dict[str, float] = Field(min_length=1, description="'fourteen': 14, 'half': 0.5.")
    articles: list[str] = Field(
        min_length=1, description="'a', 'an': one alone or before a scale word, never before a number."
    )
    scale_words: dict[str, float] = Field(min_length=1, description="'hundred': 100, 'million': 1000000.")
    units: list[tuple[RegexPhrase, DurationUnit]] = Field(
        min_length=1,
        description="A duration's written unit (regular phrase) and what it is; the first that matches wins.",
    )
    day_kinds: dict[str, DurationUnit] = Field(
        min_length=1, description="'business' in 'fourteen business (14) days': business_days."
    )
    frequencies: list[tuple[RegexPhrase, int]] = Field(
        min_length=1, description="'at least annually' (regular phrase) and the months between two times: 12."
    )
    cadence_words: list[RegexPhrase] = Field(
        min_length=1, description="'every' right before a duration makes it a cadence ('every 31 days')."
    )
    currencies: list[RegexPhrase] = Field(min_length=1, description="'USD', '$' before an amount's digits.")
    currency_words: list[RegexPhrase] = Field(min_length=1, description="'dollars' after an amount's number.")
    currency_countries: list[RegexPhrase] = Field(
        default_factory=list, description="'US' in 'five million US dollars' (either case)."
    )
    currency_marks: list[str] = Field(
        min_length=1,
        description="A lower-case piece of every currency: lower-case text without one states no amount.",
    )
    amount_scales: dict[str, float] = Field(
        min_length=1, description="'million', 'm', 'bn' after an amount's digits, and their values."
    )
    spelled_amount_scales: list[RegexPhrase] = Field(
        min_length=1, description="'million' written out after a number ('five million dollars')."
    )
    period_defines: list[RegexPhrase] = Field(
        min_length=1, description="'means': a defined period ('\u201cNotice Period\u201d means 48 hours')."
    )
    period_openers: list[RegexPhrase] = Field(
        default_factory=list, description="'a period of' between the defining word and the duration."
    )


class LanguageFile(_Strict):
    """``language.yaml``: every section schema-checked, so that a misspelt key is an error, not silence."""

    parties: PartyVocabulary
    modality: Modality
    schedule_headings: list[str] = Field(default_factory=list)
    non_evidence_headings: list[str] = Field(default_factory=list)
    non_evidence_patterns: dict[NonEvidenceKind, list[RegexPhrase]] = Field(default_factory=dict)
    guidance_headings: list[str] = Field(
        default_factory=list,
        description="Headings (phrases) under which text explains a requirement rather than states one.",
    )
    guidance_labels: list[str] = Field(
        default_factory=list,
        description="Words that, with a colon, open a clause of guidance ('Guidance:', 'Discussion:').",
    )
    weak: dict[WeakReasonName, WeakReason] = Field(default_factory=dict)
    reading: ReadingWords
    quantities: QuantityWords


class PlaybookControl(_Strict):
    """A control as a playbook requires it: optional severity and threshold overrides."""

    id: str
    severity: Severity | None = None
    thresholds: dict[str, float] = Field(
        default_factory=dict,
        description="Parameter key stem → threshold in the parameter's unit (e.g. notification: 24).",
    )
    required: bool = True


class Playbook(_Strict):
    """A selection of controls with the thresholds one kind of review applies."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    description: str = Field(min_length=20)
    level: Literal["strict", "acceptable"] = Field(
        default="acceptable",
        description="Which library threshold applies where the playbook sets none.",
    )
    controls: list[PlaybookControl] = Field(default_factory=list)
    all_controls: bool = Field(default=False, description="Select every control in the library.")
    frameworks: list[str] = Field(default_factory=list)

    @field_validator("controls", mode="before")
    @classmethod
    def _plain_ids(cls, value: object) -> object:
        if isinstance(value, list):
            return [{"id": v} if isinstance(v, str) else v for v in value]
        return value
