"""The coaching loop's rules: check-in schedules, goal reminders, streaks, buddies, the digest.

Pure functions over plain values and the knowledge; storage, the scheduler's loop and
Discord live elsewhere. Nothing here imports discord.py.
"""
