"""Every text Cobot shows a user, in one place, ready for translation.

Each constant is an English message id marked with ``N_`` so gettext tools can extract it; ``{name}`` fields are
filled by the adapter with escaped values. Markup is Slack-flavoured mrkdwn (``*bold*``, ``_italic_``, backticks),
which the other adapters translate. Keep texts short, polite, and always say what to do instead.
"""

from __future__ import annotations


def N_(msgid: str) -> str:  # noqa: N802 (gettext's conventional name)
    """Marks a message id for extraction; translation happens when an adapter renders the text."""
    return msgid


# --- help -------------------------------------------------------------------------------------------------
HELP = N_(
    "*Cobot helps you co-create content with your colleagues.*\n"
    "`/cocreate new <title> due:YYYY-MM-DD` post a content request here. Optional: `format:<word>` "
    '`skills:<a,b>` `needs:<n>` `brief:"<text>"` `parts:"<part one>; <part two>"`\n'
    "`/cocreate list` open requests · `/cocreate show <id>` one request · `/cocreate mine` what you own and help with\n"
    "`/cocreate volunteer <id> [part name or number]` lend a hand · `/cocreate withdraw <id>` step back\n"
    "`/cocreate submit <id> <link or text>` hand in a draft (or reply in the request's thread with a link or file)\n"
    "`/cocreate approve <id> @person` · `/cocreate changes <id> @person <feedback>` · `/cocreate close <id>` "
    "for request owners\n"
    "Ids work as `12` or `#12`. You can also volunteer with the card's buttons or by reacting with :raised_hand:."
)

# --- usage hints for bad command input ----------------------------------------------------------------------
UNKNOWN_SUBCOMMAND = N_("I don't know `{word}`. Try `/cocreate help` to see what I can do.")
USAGE_NEW = N_(
    "To post a request, give a title and a draft deadline: "
    "`/cocreate new Ten tips for SEO due:2026-12-01` (optional: `format:blog` `skills:SEO,writing` `needs:2` "
    '`parts:"Intro; Tips"`).'
)
USAGE_SHOW = N_("Which request? Try `/cocreate show 12`.")
USAGE_VOLUNTEER = N_("Which request? Try `/cocreate volunteer 12`, or `/cocreate volunteer 12 2` for its second part.")
USAGE_WITHDRAW = N_("Which request? Try `/cocreate withdraw 12`.")
USAGE_SUBMIT = N_("Add the request and your draft: `/cocreate submit 12 https://docs.example.com/my-draft`.")
USAGE_APPROVE = N_("Say whose draft: `/cocreate approve 12 @person`.")
USAGE_CHANGES = N_("Say whose draft and what to change: `/cocreate changes 12 @person Please add an example`.")
USAGE_CLOSE = N_("Which request? Try `/cocreate close 12`.")
USAGE_LIST = N_("Try `/cocreate list`, or `/cocreate list 2` for the next page.")
BAD_ID = N_("`{value}` is not a request id. Ids look like `12` or `#12`.")
BAD_DATE = N_("`{value}` is not a date I understand. Please write it as YYYY-MM-DD, e.g. `due:{example}`.")
DATE_IN_PAST = N_("The deadline {value} has already passed. Please pick a day from today on.")
MISSING_DEADLINE = N_("Please add a draft deadline, e.g. `due:{example}`.")
MISSING_TITLE = N_("Please give the request a title: `/cocreate new <title> due:YYYY-MM-DD`.")
TITLE_TOO_LONG = N_("That title is {length} characters long; please keep it under {limit}.")
BRIEF_TOO_LONG = N_("That brief is {length} characters long; please keep it under {limit}.")
BAD_NEEDS = N_("`needs:` takes a number of volunteers from 1 to {limit}, e.g. `needs:2`.")
BAD_FORMAT = N_("`format:` takes one word of up to {limit} characters, e.g. `format:blog`.")
TOO_MANY_PARTS = N_("A request can have at most {limit} parts; you gave {count}.")
PART_NAME_TOO_LONG = N_("Part names can be at most {limit} characters long.")
DUPLICATE_OPTION = N_("You gave `{key}:` twice. Please give each option once.")
UNCLOSED_QUOTE = N_('A quote after `{key}:` is never closed. Put the whole value in quotes: `{key}:"a; b"`.')
EMPTY_DRAFT = N_("Your draft is empty. Add a link or some text: `/cocreate submit {number} https://…`.")
DRAFT_TOO_LONG = N_("That draft is {length} characters long; please share longer drafts as a link or file.")
FEEDBACK_MISSING = N_("Please say what should change, so {user} knows what to do.")
FEEDBACK_TOO_LONG = N_("Feedback can be at most {limit} characters long.")
NOT_A_MENTION = N_("`{value}` is not a person I know. Mention them with @, e.g. `@mette`.")

# --- refusals -------------------------------------------------------------------------------------------
REQUEST_NOT_FOUND = N_("There is no request #{number}. `/cocreate list` shows the open ones.")
REQUEST_NOT_OPEN = N_("Request #{number} is {status} and no longer takes volunteers or drafts.")
ALREADY_CLOSED = N_("Request #{number} is already {status}.")
NOT_ALLOWED_TO_CREATE = N_("Only the people named in Cobot's settings can post requests here. Please ask {admins}.")
ONLY_OWNER = N_("Only the request's owner ({owner}) or an admin can do that on #{number}.")
NO_SELF_APPROVAL = N_("You can't review your own draft. Ask another admin to review it.")
ALREADY_VOLUNTEERED = N_("You're already on #{number}. To switch parts, `/cocreate withdraw {number}` first.")
ALREADY_WAITING = N_("You're already in line for #{number} (number {position}). I'll tell you when a place opens.")
PART_REQUIRED = N_("Request #{number} has parts. Pick one: {parts} — e.g. `/cocreate volunteer {number} 1`.")
PART_NOT_FOUND = N_("Request #{number} has no part `{value}`. Its parts: {parts}.")
REQUEST_HAS_NO_PARTS = N_("Request #{number} has no parts; just `/cocreate volunteer {number}`.")
NOT_A_VOLUNTEER = N_("You're not on #{number}. `/cocreate volunteer {number}` to join.")
NOT_HOLDING_PLACE = N_(
    "You're still in line for #{number}; you can hand in a draft once you have a place. I'll tell you when."
)
ALREADY_WITHDRAWN = N_("You've already stepped back from #{number}.")
VOLUNTEER_NOT_FOUND = N_("{user} is not working on #{number}.")
NO_DRAFT_YET = N_("{user} has not handed in a draft for #{number} yet.")
ALREADY_APPROVED = N_("{user}'s latest draft for #{number} is already approved.")
DRAFT_NOT_FOUND = N_("That draft no longer exists. `/cocreate mine` shows what waits for you.")
ALREADY_REVIEWED = N_("That draft has been replaced by a newer version or already reviewed. Check #{number}.")
CANNOT_WITHDRAW_AFTER_DRAFT = N_(
    "You've already handed in a draft for #{number}; ask {owner} if you want to step back."
)

# --- confirmations ----------------------------------------------------------------------------------------
REQUEST_CREATED = N_("Posted request #{number} *{title}* here. Draft deadline: {deadline}.")
VOLUNTEERED = N_("Thank you! You're on #{number} *{title}*. Your draft is due {deadline}.")
VOLUNTEERED_PART = N_(
    "Thank you! You've got part {position} *{part}* of #{number} *{title}*. Your draft is due {deadline}."
)
WAITLISTED = N_("#{number} is full right now, so you're number {position} in line. I'll tell you when a place opens.")
WITHDRAWN = N_("You've stepped back from #{number}. Thanks for letting us know.")
LEFT_WAITLIST = N_("You've left the line for #{number}.")
DRAFT_RECEIVED = N_("Got it: version {version} of your draft for #{number}. {owner} will review it.")
APPROVED_CONFIRM = N_("Approved {user}'s draft (version {version}) for #{number}.")
CHANGES_CONFIRM = N_("Sent your feedback on #{number} to {user}.")
REQUEST_CLOSED = N_("Closed #{number}. Thanks to everyone who helped.")

# --- notices to others ------------------------------------------------------------------------------------
NEW_DRAFT_FOR_OWNER = N_("{user} handed in version {version} of a draft for #{number} *{title}*.")
DRAFT_IN_THREAD = N_("Thanks {user}! Version {version} of your draft is saved; {owner} will review it.")
APPROVED_NOTICE = N_("{owner} approved your draft for #{number} *{title}*. Thank you for co-creating!")
CHANGES_NOTICE = N_(
    "{owner} asked for changes to your draft for #{number} *{title}*. "
    "Hand in a new version by replying in the request's thread or with `/cocreate submit {number} …`."
)
PROMOTED_NOTICE = N_("A place opened up on #{number} *{title}* and it's yours. Your draft is due {deadline}.")
REQUEST_APPROVED_NOTICE = N_("Every contribution to #{number} *{title}* is approved. Time to publish!")
REQUEST_CLOSED_NOTICE = N_("{owner} closed #{number} *{title}*. Thank you for your help!")
CARD_NOT_POSTED = N_(
    "I couldn't post #{number} in that channel ({reason}). Invite me with `/invite @Cobot` and run "
    "`/cocreate show {number}`."
)

# --- lists ------------------------------------------------------------------------------------------------
LIST_HEADER = N_("*Open requests* ({count})")
LIST_EMPTY = N_("No open requests right now. Post one with `/cocreate new <title> due:YYYY-MM-DD`.")
LIST_ITEM = N_("#{number} *{title}* · due {deadline} · {filled}/{needed} volunteers")
LIST_MORE = N_("Page {page} of {pages}. `/cocreate list {next}` shows more.")
LIST_PAGE_EMPTY = N_("There is no page {page}; there are {pages}.")
MINE_OWNED_HEADER = N_("*Requests you own*")
MINE_HELPING_HEADER = N_("*Where you help*")
MINE_ITEM_OWNED = N_("#{number} *{title}* · {status} · due {deadline} · {waiting} drafts to review")
MINE_ITEM_HELPING = N_("#{number} *{title}* · {state} · due {deadline}")
MINE_EMPTY = N_("You don't own or help with any request yet. `/cocreate list` shows where help is wanted.")

# --- card -------------------------------------------------------------------------------------------------
CARD_DEADLINE = N_("*Draft due* {deadline}")
CARD_FORMAT = N_("*Format* {format}")
CARD_SKILLS = N_("*Skills wanted* {skills}")
CARD_OWNER = N_("*Owner* {owner}")
CARD_TARGET = N_("*Publishing* {target}")
CARD_DERIVED = N_("Derived from #{number}")
CARD_VOLUNTEERS = N_("*Volunteers* {count}/{needed}")
CARD_WAITLIST = N_("*Waiting* {count}")
CARD_PART_LINE = N_("{position}. *{name}* ({count}/{capacity})")
CARD_MORE_PARTS = N_("…and {count} more parts. `/cocreate show {number}` lists them all.")
CARD_NOBODY_YET = N_("_nobody yet_")
CARD_STATUS = N_("*Status* {status}")
BRIEF_TRUNCATED = N_("…(brief shortened)")

BUTTON_VOLUNTEER = N_("Volunteer")
BUTTON_WITHDRAW = N_("Withdraw")
BUTTON_SUBMIT = N_("Submit draft")
BUTTON_APPROVE = N_("Approve")
BUTTON_CHANGES = N_("Request changes")
PICK_PART = N_("Pick a part")

# --- modals -----------------------------------------------------------------------------------------------
MODAL_SUBMIT_TITLE = N_("Submit a draft")
MODAL_SUBMIT_LABEL = N_("Link to your draft, or the draft itself")
MODAL_SUBMIT_HINT = N_("For #{number} {title}")
MODAL_CHANGES_TITLE = N_("Request changes")
MODAL_CHANGES_LABEL = N_("What should change?")
MODAL_SEND = N_("Send")
MODAL_CANCEL = N_("Cancel")

# --- status words -----------------------------------------------------------------------------------------
STATUS_OPEN = N_("open")
STATUS_APPROVED = N_("approved")
STATUS_PUBLISHED = N_("published")
STATUS_CLOSED = N_("closed")
STATE_NO_DRAFT = N_("no draft yet")
STATE_SUBMITTED = N_("draft in review")
STATE_CHANGES_REQUESTED = N_("changes requested")
STATE_APPROVED = N_("approved")
STATE_WAITLISTED = N_("in line")

# --- errors -----------------------------------------------------------------------------------------------
UNEXPECTED_ERROR = N_(
    "Sorry, something went wrong on my side and nothing was changed. "
    "If it happens again, please tell your Cobot admin error id `{error_id}`."
)
