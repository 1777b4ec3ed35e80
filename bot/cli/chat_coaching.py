"""Coaching commands for ``python -m bot chat``: /goal and /checkin now.

The same services as the Discord bot, for the terminal's member in its local guild (see
``chat_progress``). The ``render_*`` functions are pure, so tests can use them directly.
"""

from __future__ import annotations

from datetime import date

from bot.cli.chat import ChatSession, command
from bot.cli.chat_progress import LOCAL_GUILD_ID, LocalProgress, guarded, milestone_and_rest, progress_line
from bot.coaching.service import CheckinContent, CoachingError, GoalView


def goal_text(goal: GoalView) -> str:
    if goal.done_on is not None:
        return f"{goal.milestone.title}: target {goal.due_on}, done {goal.done_on}"
    if goal.days_left < 0:
        return f"{goal.milestone.title}: target {goal.due_on}, OVERDUE by {-goal.days_left} days"
    return f"{goal.milestone.title}: target {goal.due_on}, {goal.days_left} days left"


def render_goals(goals: list[GoalView]) -> str:
    if not goals:
        return "No goals yet. /goal N YYYY-MM-DD gives milestone N (as /roadmap numbers it) a target date."
    return "\n".join(["Your goals:", *(f"  - {goal_text(g)}" for g in goals)])


def render_checkin(content: CheckinContent) -> str:
    step = content.next_step
    lines = [f"Check-in: {progress_line(content.summary.current)}"]
    lines.append(f"Streak: {content.streak} week(s) in a row" if content.streak else "Streak: none yet")
    if step.milestone is None:
        lines.append("Every milestone of your track is done. Congratulations!")
    else:
        lines += [
            "",
            f"Next: {step.milestone.title} [{step.milestone.id}]",
            *(f"  [ ] {s}" for s in step.milestone.steps),
        ]
    if content.goals_soon:
        lines += ["", "Goals due soon:", *(f"  - {goal_text(g)}" for g in content.goals_soon)]
    if content.suggested is not None:
        lines += ["", f"Worth a read: {content.suggested.title}  [/open {content.suggested.id}]"]
    return "\n".join(lines)


@command("/goal", "/goal [N|ID DATE [noremind]] | /goal clear N - target dates for milestones")
@guarded
def _goal(session: ChatSession, progress: LocalProgress, args: str) -> None:
    member = progress.member_id
    words = args.split()
    if not words:
        session.say(render_goals(progress.run(lambda _: progress.coaching.goals(LOCAL_GUILD_ID, member))))
        return
    if words[0].lower() == "clear":
        milestone_id, _ = milestone_and_rest(progress, " ".join(words[1:]))
        cleared = progress.run(lambda _: progress.coaching.clear_goal(LOCAL_GUILD_ID, member, milestone_id))
        session.say("Goal removed." if cleared else "That milestone had no goal; nothing changed.")
        return
    milestone_id, rest = milestone_and_rest(progress, args)
    when, _, flag = rest.partition(" ")
    try:
        day = date.fromisoformat(when)
    except ValueError:
        raise CoachingError("Usage: /goal N YYYY-MM-DD [noremind], for example /goal 3 2027-03-01") from None
    remind = flag.strip().lower() != "noremind"
    goal = progress.run(
        lambda _: progress.coaching.set_goal(LOCAL_GUILD_ID, member, milestone_id, day, remind)
    )
    session.say(f"Goal set: {goal_text(goal)}.")


@command("/checkin", "/checkin now - your check-in: progress, streak, next step, goals due soon")
@guarded
def _checkin(session: ChatSession, progress: LocalProgress, args: str) -> None:
    if args.strip().lower() not in ("", "now"):
        session.say("In the terminal there is /checkin now; scheduled check-ins arrive as Discord DMs.")
        return
    content = progress.run(lambda _: progress.coaching.checkin(LOCAL_GUILD_ID, progress.member_id))
    session.say(render_checkin(content))
