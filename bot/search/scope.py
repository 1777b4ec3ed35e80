"""Questions about becoming something other than a project manager: declined, not answered;
and questions about moving out of project management, which entries about moving in do not answer.

"How do I become a software developer?" shares most of its words with the entries about
moving from development into project management, and those answered it with full
confidence. A short question whose goal ("become a ...", "a job as a ...", "get into ...", "promoted to ...")
is another career, and which names no project role anywhere, is outside what the coach
knows however well its words match, so it gets "I don't know that one" rather than an
entry about the opposite move. Questions that name a project role anywhere ("should I be a
developer before I become a PM?") are left to the ranking, and so are long posts, whose
stories mention all sorts of jobs.

Direction: "how do I switch from PM to software development" holds the same words as the
entry about switching from software development into PM, and the ranking cannot see which
way the member is going. A message that moves out of PM ("from PM to ...", "leave project
management") is not answered by an entry whose title moves into it ("Switching into IT PM
from ...").

Background alone: "is a PhD worth it" or "is the military worth it" shares its rare words
with the entry about moving from academia or the forces into PM, and was answered with it. A
short question answered by such an entry must name project work or a move (a job, a switch,
a CV...); otherwise it is about the background itself, which the coach does not cover.

Faults: "I have a custom field in my Jira site and it cannot update it" or "when I move a
card nothing happens" share "field", "card" and "projects" with the entries about tools and
boards, and were answered with them. A message that reports a software or hardware fault (an
error, a crash, something that will not install or load) and names nothing of a career,
a credential or a project's people is a support request for some product, which the coach
does not give.
"""

from __future__ import annotations

import re

from bot.search.lexicon import CODE_TOOLS, PROJECT_WORDS, named_in

#: What follows a goal verb, or the job an application is for: up to four words, after an article.
_GOAL = re.compile(
    r"\b(?:become|becoming|be|being|work as|working as|jobs? as|careers? as|careers? in|roles? as|"
    r"position as|get into|getting into|break into|breaking into|transition into|move into|"
    r"switch to|switch into|retrain as|train as|qualify as|promoted to|promotion to|"
    r"(?:cover letters?|resumes?|cvs?|interviews?|applications?) for)"
    r" (?:(?:an?|the) )?((?:\w+ ){0,3}\w+)"
)
#: ... or whose pay is asked about: "how much does a software engineer make", "salary of a nurse"
#: (not "pay for": "who should pay for the developers' overtime" is a project's budget).
_PAY = re.compile(
    r"\bhow much (?:does|do|can|would|could) (?:(?:an?|the) )?((?:\w+ ){0,3}?\w+) (?:make|earn|get paid)\b|"
    r"\b(?:(?:salary|salaries) (?:of|for)|pay of) (?:(?:an?|the) )?((?:\w+ ){0,3}\w+)"
)

#: Careers the knowledge does not cover as a goal (it covers moving *from* several of them).
_OTHER_CAREER = re.compile(
    r"\b(?:(?:(?:software|web|game|app|mobile|frontend|backend) )?developers?|programmers?|coders?|coding|"
    r"(?:software|devops|data|cloud|network|security|senior|staff|principal|"
    r"qa|test|machine learning|ml|ai|game|web|civil|mechanical|electrical) engineers?|"
    r"data (?:scientists?|analysts?|analytics|science)|designers?|ux|ui|frontend|front end|"
    r"backend|back end|full ?stack|web development|software development|cyber ?security|"
    r"penetration testers?|pen ?testers?|sysadmins?|system administrators?|"
    r"(?:qa|software) testers?|it support|help ?desk|technicians?|nurses?|nursing|doctors?|"
    r"dentists?|lawyers?|paralegals?|legal assistants?|electricians?|plumbers?|pilots?|accountants?|"
    r"teachers?|pharmacists?|"
    r"architects?|hackers?|(?:(?:personal|fitness|gym) )+trainers?|chefs?|firefighters?|paramedics?|"
    r"police officers?|therapists?|physiotherapists?|psychologists?|social workers?|vets?|"
    r"veterinarians?|real estate agents?|realtors?|hr (?:managers?|business partners?|generalists?|"
    r"advisers?|advisors?|assistants?)|human resources|recruiters?|(?:operations|office|store|retail|marketing|sales|"
    r"restaurant|hotel|property|facilities|warehouse) managers?)\b"
)


#: A fault being reported: words of software and hardware support, not of running a project.
_FAULT = re.compile(
    r"\b(?:nothing happens|(?:this|the|an|following) errors?|error (?:messages?|codes?)|errors? (?:when|while)|"
    r"crash(?:es|ed|ing)?|buggy|traceback|stack ?trace|overheat(?:s|ed|ing)?|blue screen|bsod|"
    r"(?:wont|doesnt|will not|does not) boot|"
    r"(?:website|site|server|app|wifi|wi fi|internet|email|network) (?:is|was|went|goes|keeps going) down|"
    r"(?:cant|cannot|can not|unable to|couldnt|could not) "
    r"(?:install|load|upload|connect|log ?in|sign in|download|compile|import|boot|drag|update it))\b"
)
#: ... or a programming or system tool named beside a bare error word ("npm ERR! code ERESOLVE",
#: "Python: Select Interpreter shows no options"): a developer's support request, whose own
#: words ("project", "dependency", "install") would otherwise rank the coach's entries. Word
#: sets (``CODE_TOOLS``), not one regular expression: this runs on every message.
_CODE_TOOL_PHRASES = ("node js", "vs code", "visual studio", "sql server")
_TOOL_FAULT = re.compile(
    r"\b(?:errors?|err|exceptions?|not working|doesnt work|wont (?:work|start|run|load|open|install)|"
    r"no options|permission denied|(?:fails?|failed|failing) to (?:build|install|run|start|load|compile|"
    r"connect|resolve))\b"
)
#: ... or a product's behaviour questioned, or a request to do something in it by code ("the date
#: is shifted by the holiday. Is this a bug?", "move the issue into another project, how can I do
#: this by code?"): a product's support request, unless it is about the work a bug or a test belongs
#: to ("is it a bug or a change request if it was never in the requirements").
_SUPPORT = re.compile(r"\b(?:is (?:this|it) a bug|by code|programmatically)\b")
_QUALITY_WORK = re.compile(
    r"\b(?:requirements?|change requests?|scope|sprints?|backlogs?|stor(?:y|ies)|defects?|uat|tests?|"
    r"testing|testers?|qa|scrum|agile)\b"
)
#: The coach's own credentials and roles: what keeps a message the coach's whatever else it holds.
_PM_CREDENTIALS_AND_ROLES = (
    r"pms?|pmp|capm|pmi|prince2|apm|csm|psm|acp|certif\w*|scrum master|project manag\w*|product owner"
)
#: Words of the coach's own subject that may sit beside such words in a real question: "the
#: exam site crashed", "an error in my PMP application", "crashing the schedule", "the app went
#: down during go-live, should we roll back", "the app went down after a deploy, how do we run the
#: review without blaming anyone".
_OWN_SUBJECT = re.compile(
    rf"\b(?:{_PM_CREDENTIALS_AND_ROLES}|exams?|certs?|jobs?|careers?|interview\w*|"
    r"resume|cv|salary|hired|hiring|courses?|degree|study\w*|learn\w*|managers?|management|coordinator|"
    r"roles?|stakeholders?|sponsors?|teams?|clients?|customers?|schedul\w*|fast track\w*|"
    r"critical path|go lives?|releases?|roll ?backs?|rolled back|cut ?overs?|post ?mortems?|incident reviews?|"
    r"lessons learned|retrospectives?|retros?|blam(?:e|es|ed|ing))\b"
)


#: Code pasted into a message: a span in backticks, a snake_case name ("start_on", "CRON_CLASSES")
#: or a file with a programming extension ("settings.py"). A developer's support request, whose
#: other words ("task", "field", "plan", "client") matched the coach's entries; members asking about
#: project work do not write these. Read on the text as typed: cleaning drops the marks. Three
#: patterns that open with a literal (or are searched only when their mark is there), so a message
#: of Discord's full length costs a few microseconds, not a scan trying every branch at every letter.
_TICKED = re.compile(r"`[^`\n]+`")
_SNAKE = re.compile(r"[A-Za-z]_[A-Za-z0-9]")
_SOURCE_FILE = re.compile(
    r"\.(?:py|js|ts|jsx|tsx|java|json|ya?ml|xml|exe|dll|sh|cfg|ini|php|rb|go|cs|cpp|toml)\b"
)
#: ... unless the message also names the coach's own credentials or roles (not "project": "my
#: Django project" is a developer's).
_PM_NAMED = re.compile(rf"\b(?:{_PM_CREDENTIALS_AND_ROLES})\b")


def pastes_code(text: str, norm: str) -> bool:
    """Whether a message (``text`` as typed, ``norm`` its ``Query.norm``) pastes code and names
    none of the coach's credentials or roles."""
    return _writes_code(text) and _PM_NAMED.search(norm) is None


def _writes_code(text: str) -> bool:
    if "`" in text and _TICKED.search(text) is not None:
        return True
    if "_" in text and _SNAKE.search(text) is not None:
        return True
    return any(m.start() > 0 and text[m.start() - 1].isalnum() for m in _SOURCE_FILE.finditer(text))


#: A video game, its mods or its store: a fault reported in one is a player's support request.
_GAME = re.compile(
    r"\b(?:games?|gaming|mods?|modded|steam|minecraft|fifa|xbox|playstation|ps[45]|nintendo)\b"
)


#: Another profession's licensing or entrance exam, or a technology vendor's exam by its code
#: (Microsoft's "PL-300", "AZ-900"; the cleaned text splits them as "pl 300"): the coach knows
#: project management's credentials, not how to study for the CPA or sit a Power BI exam.
_OTHER_EXAM = re.compile(
    r"\b(?:cpa|cfa|acca|cima|nclex|usmle|mcat|lsat|gmat|gre|praxis|bar exams?|series (?:7|63|65|66)|"
    r"(?:actuarial|medical board|board|licensing|real estate|nursing) exams?|driving (?:theory )?tests?|ielts|toefl|"
    r"the p?sats?|p?sat (?:exam|test|scores?|prep)|act (?:exam|test|scores?)|"
    r"(?:az|ai|dp|pl|ms|md|mb|sc) ?(?!365\b)[1-9]\d\d)\b"
)


def asks_about_another_exam(norm: str) -> bool:
    """Whether a message (``Query.norm``) is about another profession's exam and names no
    project work: "how many hours should I study for the FAR CPA exam"."""
    return _OTHER_EXAM.search(norm) is not None and not _names_project_work(norm)


def reports_a_fault(norm: str) -> bool:
    """Whether a message (``Query.norm``) reports a product's fault and names nothing of the
    coach's subject: a support request the coach declines."""
    reported = (
        _FAULT.search(norm) is not None
        or (_names_a_code_tool(norm) and _TOOL_FAULT.search(norm) is not None)
        or (_SUPPORT.search(norm) is not None and _QUALITY_WORK.search(norm) is None)
    )
    if not reported:
        return False
    # a game's fault keeps its "career mode" and "manager" (football management games): only the
    # coach's own credentials and roles make it the coach's
    return _OWN_SUBJECT.search(norm) is None or (
        _GAME.search(norm) is not None and _PM_NAMED.search(norm) is None
    )


def _names_a_code_tool(norm: str) -> bool:
    padded = f" {norm} "  # whole words: "devs code" does not name VS Code
    return not CODE_TOOLS.isdisjoint(norm.split()) or any(f" {p} " in padded for p in _CODE_TOOL_PHRASES)


def _names_project_work(norm: str) -> bool:
    """Whether ``norm`` names project work (a plural or possessive as its word)."""
    return bool(named_in(norm.split(), PROJECT_WORDS))


def other_career(norm: str) -> str | None:
    """The other career a short question asks how to reach (or what it pays), or None.

    ``norm`` is the question's cleaned words joined by single spaces (``Query.norm``). A question
    that names project work besides the career is the coach's ("a developer moving into PM");
    the career's own words do not count ("an HR manager" names a manager, not a PM)."""
    for goal in (*_GOAL.finditer(norm), *_PAY.finditer(norm)):
        group = next(g for g in range(1, goal.re.groups + 1) if goal.group(g) is not None)
        career = _OTHER_CAREER.search(norm, goal.start(group), goal.end(group))
        if career is not None and not _names_project_work(norm[: career.start()] + norm[career.end() :]):
            return career.group()
    return None


_PM = r"(?:it )?(?:pm|project manag\w*|project management)"
#: The member moves out of project management: "from pm to", "after being a project manager", "leave pm".
_LEAVING = re.compile(
    rf"\bfrom (?:(?:being|working as) )?(?:(?:an?|my) )?{_PM}(?: (?:role|job|position|career))? "
    rf"(?:to|into|back to)\b|"
    rf"\bafter (?:being|years as|working as) (?:an? )?{_PM}\b|"
    rf"\b(?:leave|leaving|quit|quitting|exit|exiting|get out of|getting out of) (?:of )?{_PM}\b|"
    rf"\b(?:pivot|pivoting|transition|transitioning|move|moving|switch|switching) "
    rf"(?:out of|away from) (?:(?:an?|my) )?{_PM}\b"
)
#: An entry's title that moves into project management: "Switching into IT PM from ...".
_ENTERING = re.compile(
    r"\b(?:into|to) (?:it )?(?:pm|project management|project manager|project coordinat\w*)\b"
)


#: Words that show a question is about the member's own next step (a move, getting hired,
#: where to start) rather than about the background itself: "veteran here, where do I start?"
#: asks for a way in; "is a phd worth it" does not.
_MOVE = re.compile(
    r"\b(?:switch\w*|transition\w*|pivot\w*|career\w*|change|changing|move|moving|become|becoming|"
    r"get into|getting into|break into|breaking into|job|jobs|role|roles|hired|hire|hiring|apply|"
    r"applying|application|resume|cv|interviews?|transferable|retrain\w*|leave|leaving|quit|after|out of|"
    r"im an?|i am an?|former|ex|here|start\w*|begin\w*|next|tips?|advice|options?|path|route|steps?|"
    r"where do|what now|help|promot\w*|elsewhere|externally)\b"
)


def asks_about_a_move(norm: str) -> bool:
    """Whether a question (``Query.norm``) names project work or a career move: without either,
    an entry about moving into PM from some background does not answer a question that only
    names the background ("is the military worth it", "how to survive a postdoc")."""
    return _names_project_work(norm) or _MOVE.search(norm) is not None


def leaves_pm(norm: str) -> bool:
    """Whether the message (``Query.norm``) is about moving out of project management."""
    return _LEAVING.search(norm) is not None


def enters_pm(title: str) -> bool:
    """Whether an entry's title is about moving into project management."""
    return _ENTERING.search(title.lower()) is not None
