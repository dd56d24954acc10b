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
    "`/cocreate extend <id> YYYY-MM-DD` ask the owner for more time\n"
    "`/cocreate approve <id> @person` · `/cocreate changes <id> @person <feedback>` · `/cocreate close <id>` "
    "for request owners\n"
    "`/cocreate slots` publishing calendar · `/cocreate slot add <name> YYYY-MM-DD HH:MM` · "
    "`/cocreate book <id> <slot name> YYYY-MM-DD [HH:MM]` · `/cocreate published <id> <url>`\n"
    "`/cocreate derive <id> <new title> due:YYYY-MM-DD` the next variant (post → article → video)\n"
    "`/cocreate digest` preview the weekly digest · `/cocreate reminders off|on` · `/cocreate recognition off|on`\n"
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
DATE_IN_PAST = N_("The deadline {value} has already passed. Please pick a day from today on, e.g. `due:{example}`.")
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
FEEDBACK_MISSING = N_("Please say what should change, so the volunteer knows what to do next.")
FEEDBACK_TOO_LONG = N_("Feedback can be at most {limit} characters long.")
NOT_A_MENTION = N_("`{value}` is not a person I know. Mention them with @, e.g. `@mette`.")

# --- refusals -------------------------------------------------------------------------------------------
REQUEST_NOT_FOUND = N_("There is no request #{number}. `/cocreate list` shows the open ones.")
REQUEST_NOT_OPEN = N_(
    "Request #{number} is {status} and no longer takes volunteers or drafts. `/cocreate list` shows the open ones."
)
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
ALREADY_WITHDRAWN = N_("You've already stepped back from #{number}. To join again: `/cocreate volunteer {number}`.")
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
    "I couldn't post #{number} in its channel ({reason}). Invite me there with `/invite @Cobot`; "
    "I'll post the card as soon as the request changes (for example when someone volunteers)."
)

# --- lists ------------------------------------------------------------------------------------------------
LIST_HEADER = N_("*Open requests* ({count})")
LIST_EMPTY = N_("No open requests right now. Post one with `/cocreate new <title> due:YYYY-MM-DD`.")
LIST_ITEM = N_("#{number} *{title}* · due {deadline} · {filled}/{needed} volunteers")
LIST_MORE = N_("Page {page} of {pages}. `/cocreate list {next}` shows more.")
LIST_PAGE_EMPTY = N_("There is no page {page}. The last page is `/cocreate list {pages}`.")
MINE_OWNED_HEADER = N_("*Requests you own*")
MINE_HELPING_HEADER = N_("*Where you help*")
MINE_ITEM_OWNED = N_("#{number} *{title}* · {status} · due {deadline} · drafts to review: {waiting}")
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
CARD_MORE_PARTS = N_("…and {count} more parts (the part menu lists every one).")
CARD_NOBODY_YET = N_("_nobody yet_")
CARD_STATUS = N_("*Status* {status}")
BRIEF_TRUNCATED = N_("…(brief shortened)")

BUTTON_VOLUNTEER = N_("Volunteer")
BUTTON_VOLUNTEER_PART = N_("Volunteer: {position}. {part}")
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

# --- follow-ups: reminders, nudges, warnings (overridable in app.yaml: reminders.texts.<NAME>) ----------------
REMINDER_DRAFT_SOON = N_(
    "Friendly reminder: your draft for #{number} *{title}* is due {deadline} ({days} days to go). "
    "Hand it in here, or tell {owner} if you need more time."
)
REMINDER_DRAFT_TOMORROW = N_(
    "Your draft for #{number} *{title}* is due {deadline}. Hand it in here, or tell {owner} if you need more time."
)
REMINDER_DRAFT_OVERDUE = N_(
    "Your draft for #{number} *{title}* was due {deadline}. Could you hand it in, ask for more time, or step back "
    "so someone else can take over?"
)
OWNER_OVERDUE = N_("{user}'s draft for #{number} *{title}* was due {deadline} and has not come in yet.")
OWNER_REVIEW_NUDGE = N_(
    "{user}'s draft (version {version}) for #{number} *{title}* has waited {hours} hours for your review."
)
UNFILLED_WARNING = N_(
    "#{number} *{title}* still needs {missing} more volunteers, and its drafts are due {deadline}. "
    "Can you help? React with :raised_hand: on the card or use `/cocreate volunteer {number}`."
)
SLOT_REMINDER = N_(
    "#{number} *{title}* is booked for *{slot}* {when}. "
    "Remember to publish it, then `/cocreate published {number} <url>`."
)
EMPTY_SLOT_WARNING = N_(
    "Nothing is booked for *{slot}* {when} yet. Approved requests can be booked with `/cocreate book <id> {ref}`."
)
BUTTON_NEED_TIME = N_("Need more time")
BUTTON_ACCEPT = N_("Accept")
BUTTON_DECLINE = N_("Decline")
BUTTON_BOOK = N_("Book a slot")
BUTTON_DERIVE = N_("Derive")

# --- more time ----------------------------------------------------------------------------------------------
USAGE_EXTEND = N_("Say which request and the new date: `/cocreate extend 12 {example}`.")
EXTENSION_NOT_LATER = N_("{value} is not later than your current deadline {deadline}. Pick a later day.")
EXTENSION_PENDING = N_("You've already asked {owner} for more time on #{number}; I'll tell you their answer.")
EXTENSION_ASKED = N_("I've asked {owner} whether you can hand in #{number} by {proposed}. I'll tell you their answer.")
EXTENSION_FOR_OWNER = N_("{user} asks for more time on #{number} *{title}*: {proposed} instead of {deadline}.")
EXTENSION_ACCEPTED = N_("{owner} agreed: your draft for #{number} *{title}* is now due {proposed}.")
EXTENSION_DECLINED = N_("{owner} can't move the deadline for #{number} *{title}*; it stays {deadline}.")
EXTENSION_DECIDED = N_("Done: {user}'s draft for #{number} is now due {proposed}.")
EXTENSION_DECLINE_CONFIRM = N_("Done: {user}'s deadline for #{number} stays {deadline}.")
EXTENSION_GONE = N_("That request for more time has already been answered.")
MODAL_EXTEND_TITLE = N_("Ask for more time")
MODAL_EXTEND_LABEL = N_("I can hand in my draft by")

# --- personal settings --------------------------------------------------------------------------------------
USAGE_REMINDERS = N_("Try `/cocreate reminders off` or `/cocreate reminders on`.")
REMINDERS_OFF = N_(
    "Reminder DMs are off. The request owner still sees when a draft is late. `/cocreate reminders on` to undo."
)
REMINDERS_ON = N_("Reminder DMs are on again.")
USAGE_RECOGNITION = N_("Try `/cocreate recognition off` or `/cocreate recognition on`.")
RECOGNITION_OFF = N_("You won't be named in the weekly digest's thank-you list. `/cocreate recognition on` to undo.")
RECOGNITION_ON = N_("You'll be thanked by name in the weekly digest again.")

# --- publishing calendar ------------------------------------------------------------------------------------
SLOTS_HEADER = N_("*Publishing slots, next {days} days*")
SLOTS_EMPTY = N_("No publishing slots in the next {days} days. Add one: `/cocreate slot add LinkedIn {example} 10:00`.")
SLOT_FREE = N_("{when} · *{slot}* · free · `/cocreate book <id> {ref}`")
SLOT_BOOKED = N_("{when} · *{slot}* · #{number} *{title}*")
USAGE_SLOT_ADD = N_("Add a one-off slot with a name, a day and a time: `/cocreate slot add Blog {example} 10:00`.")
BAD_TIME = N_("`{value}` is not a time I understand. Please write it as HH:MM, e.g. `10:00`.")
SLOT_IN_PAST = N_("That slot would be in the past. Please pick a later day or time.")
SLOT_EXISTS = N_("There is already a *{slot}* slot {when}.")
SLOT_ADDED = N_("Added a *{slot}* slot {when}.")
SLOT_NAME_TOO_LONG = N_("Slot names can be at most {limit} characters long.")
USAGE_BOOK = N_(
    "Say which request and slot: `/cocreate book 12 LinkedIn {example}` (add the time if a slot runs twice that day)."
)
SLOT_NOT_FOUND = N_("There is no *{slot}* slot on {day}. `/cocreate slots` shows the coming ones.")
SLOT_AMBIGUOUS = N_("*{slot}* runs more than once on {day}; add the time, e.g. `/cocreate book {number} {ref} 10:00`.")
SLOT_TAKEN = N_("*{slot}* {when} is already booked for #{taken}. `/cocreate slots` shows the free ones.")
NOT_APPROVED_YET = N_("#{number} can be booked once every contribution is approved (it is {status}).")
BOOKED = N_("Booked #{number} *{title}* for *{slot}* {when}. I'll remind you before it.")
REBOOKED = N_("Moved #{number} *{title}* to *{slot}* {when}.")
FREE_SLOTS_HEADER = N_("Free publishing slots for #{number}:")
NO_FREE_SLOTS = N_("There are no free publishing slots in the next {days} days. Add one with `/cocreate slot add`.")
USAGE_PUBLISHED = N_("Say which request and where it went live: `/cocreate published 12 https://…`.")
BAD_URL = N_("`{value}` is not a link. Please give the full address starting with https://.")
ALREADY_PUBLISHED = N_("#{number} is already marked published.")
PUBLISHED_CONFIRM = N_("Marked #{number} published. I've thanked everyone who helped in its thread.")
PUBLISHED_THANKS = N_("#{number} *{title}* is live: {url}\nThank you {people} for co-creating it! :tada:")
PUBLISHED_THANKS_NOBODY = N_("#{number} *{title}* is live: {url}")
DERIVE_HINT = N_(
    "Make the next variant of #{number} (a post becomes an article, an article a video): "
    "`/cocreate derive {number} <new title> due:YYYY-MM-DD format:video`"
)
USAGE_DERIVE = N_(
    "Say which request to build on, a new title and a deadline: "
    "`/cocreate derive 12 Video version due:{example} format:video`."
)

# --- weekly digest ------------------------------------------------------------------------------------------
DIGEST_TITLE = N_("*Co-creation this week* ({day})")
DIGEST_CALLS = N_("*Who can help?*")
DIGEST_CALL_ITEM = N_("#{number} *{title}* · {missing} more wanted · due {deadline}")
DIGEST_DEADLINES = N_("*Drafts due this week*")
DIGEST_DEADLINE_ITEM = N_("#{number} *{title}* · due {deadline} · {people}")
DIGEST_REVIEWS = N_("*Drafts waiting for review*")
DIGEST_REVIEW_ITEM = N_("#{number} *{title}* · {count} waiting for {owner}")
DIGEST_PUBLISHED = N_("*Published last week*")
DIGEST_PUBLISHED_ITEM = N_("#{number} *{title}* · {url} · thanks to {people}")
DIGEST_HELPERS = N_("*Thank you for co-creating!* {people}")
DIGEST_QUIET = N_("A quiet week: no open calls, deadlines or new publications. Post a request with `/cocreate new`.")
DIGEST_CONTINUED = N_("*Co-creation this week* (continued)")
DIGEST_NOT_CONFIGURED = N_("(Preview only: no digest channel is set in app.yaml, so no digest is posted.)")
