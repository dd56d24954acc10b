"""Every text Cobot shows a user, in one place, ready for translation.

Each constant is an English message id marked with ``N_`` so gettext tools can extract it; ``{name}`` fields are
filled by the adapter with escaped values. A text about a number of things is marked ``NP_`` with its singular and
plural forms, and its ``{count}`` picks the form in the reader's language ("1 slot", "2 slots"). Markup is
Slack-flavoured mrkdwn (``*bold*``, ``_italic_``, backticks), which the other adapters translate. Keep texts short,
polite, and always say what to do instead.
"""

from __future__ import annotations


def N_(msgid: str) -> str:  # noqa: N802 (gettext's conventional name)
    """Marks a message id for extraction; translation happens when an adapter renders the text."""
    return msgid


class Plural(str):
    """A message id with plural forms. As a string it is the singular form (the id gettext looks it up by), so it
    is used like any other text constant; ``plural`` is the English form for every other count."""

    plural: str

    def __new__(cls, singular: str, plural: str) -> Plural:
        made = super().__new__(cls, singular)
        made.plural = plural
        return made


def NP_(singular: str, plural: str) -> Plural:  # noqa: N802 (gettext's conventional name, as ngettext's N_)
    """Marks a text with plural forms for extraction (``pybabel extract -k NP_:1,2``); the ``count`` parameter of
    the ``Text`` picks the form when an adapter renders it."""
    return Plural(singular, plural)


# --- help -------------------------------------------------------------------------------------------------
HELP = N_("*Cobot helps you co-create content with your colleagues.*")
# One line of help per group of subcommands; ``handlers.commands.SUBCOMMANDS`` names each subcommand's line.
HELP_NEW = N_(
    "`/cocreate new <title> due:YYYY-MM-DD` post a content request here. Optional: `format:<word>` "
    '`skills:<a,b>` `needs:<n>` `brief:"<text>"` `parts:"<part one>; <part two>"`'
)
HELP_BROWSE = N_(
    "`/cocreate list` open requests · `/cocreate show <id>` one request · `/cocreate mine` what you own and help with"
)
HELP_VOLUNTEER = N_(
    "`/cocreate volunteer <id> [part name or number]` lend a hand · `/cocreate withdraw <id>` step back"
)
HELP_SUBMIT = N_(
    "`/cocreate submit <id> <link or text>` hand in a draft (or reply in the request's thread with a link or file)"
)
HELP_EXTEND = N_("`/cocreate extend <id> YYYY-MM-DD` ask the owner for more time")
HELP_OWNERS = N_(
    "`/cocreate approve <id> @person` · `/cocreate changes <id> @person <feedback>` · `/cocreate close <id>` "
    "for request owners"
)
HELP_GUESTS = N_(
    '`/cocreate guest <id> <e-mail> [part name or number] [name:"Full Name"] [lang:da|en]` invite someone outside '
    "the company by e-mail, in their language (request owners; or the card's Invite someone outside)"
)
HELP_CALENDAR = N_(
    "`/cocreate slots` publishing calendar · `/cocreate slot add <name> YYYY-MM-DD HH:MM` · "
    "`/cocreate book <id> <slot name> YYYY-MM-DD [HH:MM]` · `/cocreate published <id> <url>`"
)
HELP_DERIVE = N_("`/cocreate derive <id> <new title> due:YYYY-MM-DD` the next variant (post → article → video)")
HELP_DIGEST_REPORT = N_(
    "`/cocreate digest` preview the weekly digest · `/cocreate report [YYYY-MM]` an Excel report (owners, admins)"
)
HELP_CALENDAR_FEED = N_(
    "`/cocreate calendar` your own calendar feed (your deadlines and booked slots) for Outlook or Google"
)
HELP_IMPORT = N_(
    "`/cocreate import` import a content plan (.xlsx): share it with me in a DM for a dry run, "
    "with the comment `import` to import it (admins)"
)
HELP_SETTINGS = N_("`/cocreate reminders off|on` · `/cocreate recognition off|on` · `/cocreate language da|en`")
HELP_IDS = N_(
    "Ids work as `12` or `#12`. You can also volunteer with the card's buttons or by reacting with :raised_hand:."
)
# Layout, not language: two texts shown one above the other (the help is built from its lines).
LINES = N_("{above}\n{below}")
# Numbers of things, for texts that count more than one kind ("Imported 1 request and 3 slots").
COUNT_REQUESTS = NP_("{count} request", "{count} requests")
COUNT_CONTRIBUTIONS = NP_("{count} contribution", "{count} contributions")
COUNT_SLOTS = NP_("{count} slot", "{count} slots")

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
USAGE_GUEST = N_(
    "Name the request and the guest's e-mail address: `/cocreate guest 12 anne@example.com` (optional: a part, "
    '`2`, their name, `name:"Anne Holm"`, and the language Cobot writes to them in, `lang:da` or `lang:en`).'
)
BAD_GUEST_LANGUAGE = N_(
    "`{value}` is not a language I write in. Give the guest's language as `lang:da` (Danish) or `lang:en` "
    "(English), e.g. `/cocreate guest 12 anne@example.com lang:da`."
)
BAD_EMAIL = N_("`{value}` is not an e-mail address. Give one address, e.g. `/cocreate guest 12 anne@example.com`.")
USAGE_LIST = N_("Try `/cocreate list`, or `/cocreate list 2` for the next page.")
BAD_ID = N_("`{value}` is not a request id. Ids look like `12` or `#12`.")
DATE_TOO_FAR = N_("{value} is more than five years ahead. Pick a day up to {last}.")
BAD_DATE = N_(
    "`{value}` is not a date I understand. Please write it as YYYY-MM-DD, 4/12, 4 Dec, tomorrow or friday, "
    'e.g. `due:{example}` (a date with a space goes in quotes: `due:"4 Dec"`).'
)
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
COMMAND_ALREADY_RUN = N_("That command was carried out already; nothing more was done.")
TOO_MANY_REQUESTS = NP_(
    "You have posted {count} request in the last hour, as many as one person may. Please wait a little before "
    "the next one, or ask your Cobot admin to raise `limits.requests_per_hour`.",
    "You have posted {count} requests in the last hour, as many as one person may. Please wait a little before "
    "the next one, or ask your Cobot admin to raise `limits.requests_per_hour`.",
)
TOO_MANY_WRITES = NP_(
    "That was a lot at once: more than {count} change in a minute. Nothing was changed this time; please wait a "
    "minute and try again.",
    "That was a lot at once: more than {count} changes in a minute. Nothing was changed this time; please wait a "
    "minute and try again.",
)
TOO_LONG_TO_STORE = N_(
    "Cobot can't store that: a name or id in it is longer than {limit} characters. Nothing was changed; please "
    "shorten it and try again."
)
NOT_ALLOWED_TO_CREATE = N_("Only the people named in Cobot's settings can post requests here. Please ask {admins}.")
# What only a request's owner or an admin may do, each saying what was refused.
ONLY_OWNER_APPROVE = N_("Only the request's owner ({owner}) or an admin can approve drafts for #{number}.")
ONLY_OWNER_CHANGES = N_("Only the request's owner ({owner}) or an admin can ask for changes to drafts for #{number}.")
ONLY_OWNER_EXTEND = N_(
    "Only the request's owner ({owner}) or an admin can answer a request for more time on #{number}."
)
ONLY_OWNER_BOOK = N_("Only the request's owner ({owner}) or an admin can book a publishing slot for #{number}.")
ONLY_OWNER_PUBLISHED = N_("Only the request's owner ({owner}) or an admin can mark #{number} published.")
ONLY_OWNER_INVITE = N_("Only the request's owner ({owner}) or an admin can invite colleagues to #{number}.")
ONLY_OWNER_INVITATIONS = N_("Only the request's owner ({owner}) or an admin can see who was invited to #{number}.")
ONLY_OWNER_GUEST = N_(
    "Only the request's owner ({owner}) or an admin can invite someone outside the company to #{number}."
)
ONLY_OWNER_CLOSE = N_("Only the request's owner ({owner}) or an admin can close #{number}.")
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
    "Thank you! You've got part {position}, “{part}”, of #{number} *{title}*. Your draft is due {deadline}."
)
WAITLISTED = N_("#{number} is full right now, so you're number {position} in line. I'll tell you when a place opens.")
WITHDRAWN = N_("You've stepped back from #{number}. Thanks for letting us know.")
LEFT_WAITLIST = N_("You've left the line for #{number}.")
DRAFT_RECEIVED = N_("Got it: version {version} of your draft for #{number}. {owner} will review it.")
APPROVED_CONFIRM = N_("Approved {user}'s draft (version {version}) for #{number}.")
CHANGES_CONFIRM = N_("Sent your feedback on #{number} to {user}.")
REQUEST_CLOSED = N_("Closed #{number}. Thanks to everyone who helped.")
GUEST_INVITED = N_(
    "Invited {guest} to #{number} *{title}*. {email} gets a personal link by e-mail to hand in a draft there."
)
GUEST_INVITED_PART = N_(
    "Invited {guest} to part {position} *{part}* of #{number} *{title}*. {email} gets a personal link by e-mail "
    "to hand in a draft there."
)
GUEST_INVITED_WAITLISTED = N_(
    "#{number} is full right now, so {guest} is number {position} in line. {email} gets a personal link by "
    "e-mail and can hand in a draft once a place opens."
)
GUEST_REINVITED = N_(
    "{guest} is already on #{number}. I'm sending a new link to {email}; the one sent before no longer works."
)
GUEST_EMAIL_NOT_SET_UP = N_(
    "I can't invite anyone from outside yet: I need to send e-mail and have a web address for their page. Ask "
    "whoever runs Cobot to set `SMTP_URL` and `PUBLIC_URL`."
)
# The owner's form for a guest (the card's "Invite someone outside"), on every platform that has forms.
BUTTON_INVITE_GUEST = N_("Invite someone outside")
GUEST_FORM_TITLE = N_("Invite someone outside")
GUEST_FORM_SEND = N_("Invite")
GUEST_FORM_HINT = N_(
    "#{number} {title}: they get a personal link by e-mail to take part and hand in a draft, with no Slack or Teams "
    "account."
)
GUEST_FORM_EMAIL = N_("E-mail address")
GUEST_FORM_NAME = N_("Full name")
GUEST_FORM_PART = N_("Part")
GUEST_FORM_LANGUAGE = N_("Language of their e-mails")
GUEST_FORM_NO_EMAIL = N_("Give the guest's e-mail address, e.g. anne@example.com.")
GUEST_FORM_BAD_EMAIL = N_("“{value}” is not an e-mail address. Give one address, e.g. anne@example.com.")
GUEST_FORM_NO_PART = N_("Pick the part they will help with.")
GUEST_FORM_BY_COMMAND = N_(
    "To invite someone outside the company to #{number}, type `/cocreate guest {number} anne@example.com` "
    '(optional: a part, `2`, their name, `name:"Anne Holm"`, and their language, `lang:da` or `lang:en`).'
)
GUEST_REMOVED = N_(
    "Took {guest} off #{number}; their link no longer works, and they are told by e-mail. If someone was waiting "
    "in line, the place is theirs."
)
GUEST_NOT_ON_REQUEST = N_("{email} is not a guest on #{number}, so there is nobody to take off.")
GUEST_REMOVED_NOTICE = N_(
    "{owner} has taken you off “{title}”, so you don't need to hand anything in. Thank you for your time."
)
USAGE_REMOVE_GUEST = N_(
    "Name the request and the guest's e-mail address: `/cocreate remove-guest 12 anne@example.com`."
)
HELP_REMOVE_GUEST = N_(
    "`/cocreate remove-guest <id> <e-mail>` take a guest off a request; their link stops working (request owners)"
)
GUEST_IS_COLLEAGUE = N_("{email} belongs to {person}, who is already here and can volunteer themselves.")
GUEST_NEVER_OPENED = NP_(
    "{guest} hasn't opened the invitation to #{number} *{title}* within {count} day, so their place is free "
    "again. Invite them again with `/cocreate guest {number} <e-mail>` if you still want them.",
    "{guest} hasn't opened the invitation to #{number} *{title}* within {count} days, so their place is free "
    "again. Invite them again with `/cocreate guest {number} <e-mail>` if you still want them.",
)
GUEST_NEVER_OPENED_MOVED_UP = NP_(
    "{guest} hasn't opened the invitation to #{number} *{title}* within {count} day, so I gave their place to the "
    "next in line. Invite them again with `/cocreate guest {number} <e-mail>` if you still want them.",
    "{guest} hasn't opened the invitation to #{number} *{title}* within {count} days, so I gave their place to the "
    "next in line. Invite them again with `/cocreate guest {number} <e-mail>` if you still want them.",
)
# A guest wherever people are named (cards, `/cocreate show`): by name, never as a mention.
GUEST_NAME = N_("{name} (guest)")
# A guest whose name went with their e-mail address (``guests.retention_days``): still shown as a guest.
GUEST_UNNAMED = N_("a guest")
# Whoever had their personal data erased (``handlers.erasure``), wherever people are named: cards, threads, DMs,
# the digest, App Home, reports.
FORMER_CONTRIBUTOR = N_("a former contributor")
FORMER_CONTRIBUTORS = NP_("{count} former contributor", "{count} former contributors")

PAGE_STOP_REMINDERS_TITLE = N_("Stop reminders")
PAGE_STOP_REMINDERS_ASK = N_("Stop the e-mail reminders about “{title}”? Your page keeps working.")
PAGE_STOP_REMINDERS_BUTTON = N_("Stop the reminders")
PAGE_REMINDERS_STOPPED = N_(
    "You won't get more reminders about “{title}”. Your page keeps working, should you still want to hand something in."
)
# --- e-mails to guests (bot.mail): plain text, no chat markup in the templates ------------------------------
EMAIL_GREETING = N_("Hello {name},")
EMAIL_INVITE_SUBJECT = N_("{owner} would like your help with “{title}”")
EMAIL_INVITE = N_(
    "{owner} is making “{title}” and would like you to contribute. You don't need an account: you take part on "
    "a page of your own."
)
EMAIL_INVITE_PART = N_(
    "{owner} is making “{title}” and would like you to write one part of it: “{part}”. You don't need an "
    "account: you take part on a page of your own."
)
EMAIL_INVITE_WAITING = N_("All places are taken right now, so you are on the waiting list. I'll write when one opens.")
EMAIL_BRIEF = N_("The brief")
EMAIL_FORMAT = N_("Format: {format}")
EMAIL_DEADLINE = N_("Deadline for your draft: {deadline}")
EMAIL_OPEN_PAGE = N_("Open your page")
EMAIL_LINK_LINE = N_("Link: {link}")
EMAIL_PAGE_HELPS = N_("On your page you can say yes or no, hand in your draft, and ask for more time.")
EMAIL_LINK_PERSONAL = N_("The link is personal, so please don't pass it on. It works until {expires}.")
EMAIL_NO_LINK = N_("Your invitation to “{title}” has ended, so this e-mail has no link to your page.")
EMAIL_WHY = N_("You get this e-mail because {owner} invited you to contribute to “{title}”.")
EMAIL_REPLY_TO_OWNER = N_("Reply to this e-mail to reach {owner}.")
EMAIL_STOP_REMINDERS = N_("No more reminders about “{title}”: {url}")
EMAIL_ABOUT_SUBJECT = N_("“{title}”: {what}")
EMAIL_DEADLINE_EVENT = N_("Deadline: {title}")
EMAIL_SIGNATURE = N_("Best regards,\nCobot, on behalf of {owner}")

# --- notices to others ------------------------------------------------------------------------------------
NEW_DRAFT_FOR_OWNER = N_("{user} handed in version {version} of a draft for #{number} *{title}*.")
NEW_DRAFT_FOR_OWNER_PART = N_(
    "{user} handed in version {version} of a draft for part {position}, “{part}”, of #{number} *{title}*."
)
DRAFT_IN_THREAD = N_("Thanks {user}! Version {version} of your draft is saved; {owner} will review it.")
APPROVED_NOTICE = N_("{owner} approved your draft for #{number} *{title}*. Thank you for co-creating!")
CHANGES_NOTICE = N_(
    "{owner} asked for changes to your draft for #{number} *{title}*. "
    "Hand in a new version by replying in the request's thread or with `/cocreate submit {number} …`."
)
PROMOTED_NOTICE = N_("A place opened up on #{number} *{title}* and it's yours. Your draft is due {deadline}.")
REQUEST_APPROVED_NOTICE = N_("Every contribution to #{number} *{title}* is approved. Time to publish!")
REQUEST_CLOSED_NOTICE = N_("{owner} closed #{number} *{title}*. Thank you for your help!")
# A DM whose buttons were used says, where its buttons were, what was done and by whom.
SETTLED_APPROVED = N_("✅ Approved by {user}.")
SETTLED_CHANGES = N_("✏️ {user} asked for changes.")
SETTLED_NEWER_VERSION = N_("A newer version (version {version}) has come in; it is in the message below.")
SETTLED_BOOKED = N_("📅 Booked by {user}: {slot}, {when}.")
SETTLED_EXTENSION_ACCEPTED = N_("✅ {user} gave more time, until {proposed}.")
SETTLED_EXTENSION_DECLINED = N_("{user} said no to more time; the deadline stays {deadline}.")
SETTLED_INVITATION_YES = N_("✅ You said yes: you're signed up for #{number}.")
SETTLED_INVITATION_NO = N_("You said no thanks to #{number}.")
CARD_NOT_POSTED = N_(
    "I couldn't post #{number} in its channel ({reason}). Invite me there with `/invite @Cobot`; "
    "I'll post the card as soon as the request changes (for example when someone volunteers)."
)
NOTICE_NOT_DELIVERED = N_(
    "I couldn't deliver a message about #{number} to {where} ({reason}), and I have stopped trying. "
    "You may want to tell them yourself."
)
WHERE_THREAD = N_("the request's thread")
GUEST_EMAIL_NOT_DELIVERED = N_(
    "I couldn't deliver an e-mail about #{number} to {guest} at {email} ({reason}), and I have stopped trying. "
    "Check the address, and invite them again with `/cocreate guest {number} <e-mail>`."
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
# A place on a request that is booked into a publishing slot: ``booking`` is ``BOOKED_FOR``.
MINE_ITEM_HELPING_BOOKED = N_("#{number} *{title}* · {state} · due {deadline} · {booking}")
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
CARD_MORE_PARTS = NP_(
    "…and {count} more part (the part menu lists every one).",
    "…and {count} more parts (the part menu lists every one).",
)
CARD_NOBODY_YET = N_("_nobody yet_")
CARD_STATUS = N_("*Status* {status}")
CARD_SLOT = N_("*Publishing slot* {slot}, {when}")
CARD_PUBLISHED_AT = N_("*Published* {url}")
BRIEF_TRUNCATED = N_("…(brief shortened)")

BUTTON_VOLUNTEER = N_("Volunteer")
BUTTON_VOLUNTEER_PART = N_("Volunteer: {position}. {part}")
BUTTON_WITHDRAW = N_("Withdraw")
BUTTON_SUBMIT = N_("Submit draft")
BUTTON_APPROVE = N_("Approve")
BUTTON_CHANGES = N_("Request changes")
PICK_PART = N_("Pick a part")
CHOOSE_A_PART = N_("Choose a part from the card's menu to volunteer for it.")

# --- modals -----------------------------------------------------------------------------------------------
MODAL_SUBMIT_TITLE = N_("Submit a draft")
MODAL_SUBMIT_LABEL = N_("Link to your draft, or the draft itself")
# What a form asks for, in words, where there is no form to draw (the console asks a question instead).
FORM_HINT_DRAFT = N_("a link to your draft, or the draft itself")
FORM_HINT_FEEDBACK = N_("what should change")
FORM_HINT_DATE = N_("the day you can hand in by, e.g. 2026-12-18, 18/12, 18 Dec or friday")
# Where nobody can be asked (a script piped in), the console says how to give a form's answer on the same line.
FORM_HINT_INLINE = N_("[{number}] {label} needs {hint}: :press {number} <text>")
MODAL_SUBMIT_HINT = N_("For #{number} {title}")
MODAL_CHANGES_TITLE = N_("Request changes")
MODAL_CHANGES_LABEL = N_("What should change?")
MODAL_SEND = N_("Send")
MODAL_CANCEL = N_("Cancel")
FORM_OUT_OF_DATE = N_("This form is not one Cobot can read any more. Close it and press the button again.")

# --- status words -----------------------------------------------------------------------------------------
STATUS_OPEN = N_("open")
STATUS_APPROVED = N_("approved")
STATUS_PUBLISHED = N_("published")
STATUS_CLOSED = N_("closed")
# Shown, not stored: an approved request with a publishing slot is "booked" on its card (``handlers.cards``).
STATUS_BOOKED = N_("booked")
# A request's status in one phrase where there is no room for a slot line of its own (`/cocreate mine`).
BOOKED_FOR = N_("booked for *{slot}* {when}")
OPEN_BOOKED_FOR = N_("open, booked for *{slot}* {when}")
STATE_NO_DRAFT = N_("no draft yet")
STATE_SUBMITTED = N_("draft in review")
STATE_CHANGES_REQUESTED = N_("changes requested")
STATE_APPROVED = N_("approved")
STATE_WAITLISTED = N_("in line")

# --- errors -----------------------------------------------------------------------------------------------
UNKNOWN_DIALOG = N_(
    "Sorry, I don't know this dialog, so there is nothing to fill in here. Please close it and use a button on "
    "one of my cards, or type `/cocreate help` to see what I can do."
)
UNEXPECTED_ERROR = N_(
    "Sorry, something went wrong on my side and nothing was changed. "
    "If it happens again, please tell your Cobot admin error id `{error_id}`."
)

DATABASE_UNAVAILABLE = N_(
    "Cobot can't reach its database just now, so nothing was changed. Please try again in a minute."
)

# --- follow-ups: reminders, nudges, warnings (overridable in app.yaml: reminders.texts.<NAME>) ----------------
REMINDER_DRAFT_SOON = N_(
    "Friendly reminder: your draft for #{number} *{title}* is due {deadline} ({days} days to go). "
    "Hand it in here, or tell {owner} if you need more time."
)
REMINDER_DRAFT_TOMORROW = N_(
    "Your draft for #{number} *{title}* is due {deadline}. Hand it in here, or tell {owner} if you need more time."
)
REMINDER_DRAFT_TODAY = N_(
    "Your draft for #{number} *{title}* is due today ({deadline}). Hand it in here, or tell {owner} if you need "
    "more time."
)
REMINDER_DRAFT_OVERDUE = N_(
    "Your draft for #{number} *{title}* was due {deadline}. Could you hand it in, ask for more time, or step back "
    "so someone else can take over?"
)
OWNER_OVERDUE = N_("{user}'s draft for #{number} *{title}* was due {deadline} and has not come in yet.")
# ``{hours}`` is the field an app.yaml override may use; the text's ``count`` (the same number) picks the form.
OWNER_REVIEW_NUDGE = NP_(
    "{user}'s draft (version {version}) for #{number} *{title}* has waited {hours} hour for your review.",
    "{user}'s draft (version {version}) for #{number} *{title}* has waited {hours} hours for your review.",
)
UNFILLED_WARNING = N_(
    "#{number} *{title}* still needs volunteers ({missing} more wanted), and its drafts are due {deadline}. "
    "Can you help? React with :raised_hand: on the card or use `/cocreate volunteer {number}`."
)
SLOT_REMINDER = N_(
    "#{number} *{title}* is booked for *{slot}* {when}. "
    "Remember to publish it, then `/cocreate published {number} <url>`."
)
EMPTY_SLOT_WARNING = N_(
    "Nothing is booked for *{slot}* {when} yet. Approved requests can be booked with `/cocreate book <id> {ref}`."
)
EMPTY_SLOTS_WARNING = N_("Nothing is booked yet for {count} publishing slots. Approved requests can be booked with:")
EMPTY_SLOTS_LINE = N_("• *{slot}* {when}: `/cocreate book <id> {ref}`")
BUTTON_NEED_TIME = N_("Need more time")
BUTTON_ACCEPT = N_("Accept")
BUTTON_DECLINE = N_("Decline")
BUTTON_BOOK = N_("Book a slot")
BUTTON_DERIVE = N_("Derive")
BUTTON_INVITE = N_("Invite matching colleagues")

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
# How often Cobot may invite a person ("a month" is any 30 days, see handlers.invitations).
USAGE_ASKS = N_(
    "Say how often Cobot may invite you, at most {max} times a month: `/cocreate asks 2`, `/cocreate asks never`, "
    "or `/cocreate asks default` for the workspace's limit."
)
ASKS_SET = NP_(
    "Cobot will invite you at most once a month. `/cocreate asks default` to undo.",
    "Cobot will invite you at most {count} times a month. `/cocreate asks default` to undo.",
)
ASKS_CAPPED = NP_(
    "The workspace lets Cobot invite anyone at most once a month, so that is your limit too.",
    "The workspace lets Cobot invite anyone at most {count} times a month, so that is your limit too.",
)
ASKS_NEVER = N_(
    "Cobot won't invite you to requests any more; you can still volunteer any time. `/cocreate asks default` to undo."
)
ASKS_DEFAULT = NP_(
    "Cobot may invite you as often as the workspace allows: at most once a month.",
    "Cobot may invite you as often as the workspace allows: at most {count} times a month.",
)

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
NO_FREE_SLOTS = NP_(
    "There are no free publishing slots in the next {count} day. Add one with `/cocreate slot add`.",
    "There are no free publishing slots in the next {count} days. Add one with `/cocreate slot add`.",
)
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
DIGEST_PUBLISHING = N_("*Publishing this week*")
DIGEST_PUBLISHED = N_("*Published last week*")
DIGEST_PUBLISHED_ITEM = N_("#{number} *{title}* · {url} · thanks to {people}")
DIGEST_HELPERS = N_("*Thank you for co-creating!* {people}")
DIGEST_QUIET = N_("A quiet week: no open calls, deadlines or new publications. Post a request with `/cocreate new`.")
DIGEST_CONTINUED = N_("*Co-creation this week* (continued)")
DIGEST_NOT_CONFIGURED = N_("(Preview only: no digest channel is set in app.yaml, so no digest is posted.)")

# --- the new-request form (Slack modal) -----------------------------------------------------------------------
FORM_NEW_TITLE = N_("New content request")
FORM_DERIVE_TITLE = N_("Derive a request")
FORM_POST = N_("Post")
FORM_TITLE = N_("Title")
FORM_BRIEF = N_("Brief")
FORM_BRIEF_HINT = N_("What is wanted, for whom, and why it matters.")
FORM_FORMAT = N_("Format")
FORM_SKILLS = N_("Skills wanted")
FORM_SKILLS_HINT = N_("Comma-separated, e.g. SEO, video")
FORM_PARTS = N_("Parts, one per line")
FORM_PARTS_HINT = N_("For example the chapters of an e-book. Leave empty for a single piece.")
FORM_NEEDS = N_("Volunteers needed")
FORM_DEADLINE = N_("Draft deadline")
FORM_TARGET = N_("Publishing slot")
FORM_CHANNEL = N_("Post the request in")
FORM_PICK = N_("Choose…")
FORM_FROM_MESSAGE = N_("From a conversation in Slack: {link}")
FORM_DERIVED_FROM = N_("Derived from #{number}")
FORM_NO_CHANNEL = N_("Please choose the channel to post the request in.")
REQUEST_POSTED_DM = N_("Posted request #{number} *{title}* in {channel}. Draft deadline: {deadline}.")

# --- skills directory and invitations -----------------------------------------------------------------------
HELP_SKILLS_DIRECTORY = N_(
    "`/cocreate skills` your skills · `/cocreate skills add SEO, video` · `/cocreate skills remove video` · "
    "`/cocreate who <skill>` who knows it\n"
    "`/cocreate invite <id>` invite matching colleagues (request owners) · `/cocreate invitations <id>` who was "
    "asked and what they said · `/cocreate invitations off|on` whether Cobot may invite you · "
    "`/cocreate asks 2|never|default` how often"
)
USAGE_SKILLS = N_(
    "Try `/cocreate skills` to see yours, `/cocreate skills add SEO, video` or `/cocreate skills remove video`."
)
USAGE_SKILLS_ADD = N_("Name the skills to add, separated by commas: `/cocreate skills add SEO, video`.")
USAGE_SKILLS_REMOVE = N_("Name the skills to remove, separated by commas: `/cocreate skills remove video`.")
USAGE_WHO = N_("Which skill? Try `/cocreate who SEO`.")
USAGE_INVITE = N_("Which request? Try `/cocreate invite 12`.")
USAGE_INVITATIONS = N_(
    "Try `/cocreate invitations 12` to see whom Cobot asked about #12, or `/cocreate invitations off` (or `on`)."
)
SKILL_TOO_LONG = N_("A skill can be at most {limit} characters long; `{value}` is longer. Try a shorter name.")
TOO_MANY_SKILLS = N_(
    "You can list at most {limit} skills and this would make {count}. Remove some first: `/cocreate skills remove …`."
)
SKILLS_ADDED = N_("Added to your skills: {added}.")
SKILLS_ALREADY_THERE = N_("You already had: {skills}.")
SKILLS_NOT_THERE = N_("Not in your skills, so nothing to remove: {skills}.")
SKILLS_REMOVED = N_("Removed from your skills: {removed}.")
SKILLS_YOURS = N_("*Your skills* ({count}): {skills}")
SKILLS_NONE = N_(
    "You haven't listed any skills yet. Add some, e.g. `/cocreate skills add SEO, video`, so request owners can find "
    "you."
)
WHO_KNOWS = N_("*Who knows {skill}* ({count}): {people}")
WHO_KNOWS_MORE = N_("…and {count} more.")
WHO_NOBODY = N_("Nobody has listed *{skill}* yet. Add yours with `/cocreate skills add {skill}`.")
WHO_SIMILAR = N_("Similar skills people have listed: {skills}.")
INVITE_NO_SKILLS = N_(
    "#{number} names no skills, so I can't tell whom to ask. Next time add them when you post, e.g. "
    "`skills:SEO,writing`; meanwhile `/cocreate who <skill>` shows who knows what."
)
INVITE_NOBODY = NP_(
    "I found nobody new to ask about #{number} ({skills}): everyone with those skills is already on it, was asked "
    "already, asked not to be invited, or has been asked as often as they allow (at most once in 30 days). "
    "`/cocreate who <skill>` shows everyone who knows a skill.",
    "I found nobody new to ask about #{number} ({skills}): everyone with those skills is already on it, was asked "
    "already, asked not to be invited, or has been asked as often as they allow (at most {count} times in 30 days). "
    "`/cocreate who <skill>` shows everyone who knows a skill.",
)
INVITE_SENT = N_(
    "I've invited {people} to help with #{number} *{title}*. I'll tell you how they answer; "
    "`/cocreate invitations {number}` shows every answer."
)
INVITATION_NOTICE = N_(
    "{owner} is looking for help with #{number} *{title}* (draft due {deadline}), and your skills match: {skills}. "
    "Would you like to co-create it? (`/cocreate invitations off` if you'd rather not be asked.)"
)
BUTTON_ACCEPT_INVITATION = N_("Volunteer")
BUTTON_DECLINE_INVITATION = N_("Not this time")
INVITATION_NOT_FOUND = N_("That invitation no longer exists. `/cocreate list` shows where help is wanted.")
INVITATION_NOT_YOURS = N_("That invitation was for {user}. `/cocreate volunteer {number}` if you'd like to help.")
INVITATION_ALREADY_ON = N_("You're already on #{number}. Thank you!")
INVITATION_DECLINE_AFTER_YES = N_(
    "You've already volunteered for #{number}. To step back: `/cocreate withdraw {number}`."
)
INVITATION_DECLINED = N_(
    "Thanks for letting me know. I won't ask you about #{number} again. "
    "(`/cocreate invitations off` if you'd rather not be invited at all.)"
)
INVITATION_ALREADY_DECLINED = N_(
    "You've already said no to #{number}; I won't ask again. `/cocreate volunteer {number}` if you change your mind."
)
INVITATION_YES_FOR_OWNER = N_("{user} accepted your invitation and volunteered for #{number} *{title}*.")
INVITATION_NO_FOR_OWNER = N_("{user} can't help with #{number} *{title}* this time. I won't ask them about it again.")
INVITATIONS_HEADER = N_("*Invitations for #{number} {title}* ({count})")
INVITATIONS_NONE = N_("Nobody has been invited to #{number} yet. `/cocreate invite {number}` asks matching colleagues.")
INVITATION_LINE = N_("{user} · asked {asked} · {answer}")
ANSWER_PENDING = N_("no answer yet")
ANSWER_VOLUNTEERED = N_("volunteered")
ANSWER_DECLINED = N_("not this time")
INVITATIONS_OFF = N_(
    "Cobot won't invite you to requests any more; you can still volunteer any time. `/cocreate invitations on` to undo."
)
INVITATIONS_ON = N_("Cobot may invite you again when a request needs your skills.")

# --- App Home ---------------------------------------------------------------------------------------------------
HOME_TITLE = N_("Your co-creation")
HOME_PLACES = N_("*Where you help*")
HOME_PLACES_EMPTY = N_("You're not on any request yet. The open calls below are a good place to start.")
HOME_PLACES_EMPTY_NO_CALLS = N_(
    "You're not on any request yet. When one wants your skills it shows up here; `/cocreate list` shows them all."
)
HOME_PLACE = N_("#{number} *{title}* · due {deadline} · {state}")
HOME_PLACE_PART = N_("#{number} *{title}* · part {part} · due {deadline} · {state}")
HOME_OWNED = N_("*Your requests*")
HOME_OWNED_EMPTY = N_("You don't own any open request. Post one with `/cocreate new`.")
HOME_OWNED_ITEM = N_("#{number} *{title}* · {status} · due {deadline} · drafts to review: {waiting}")
HOME_WAITING_DRAFT = N_("   ↳ {user}'s draft, version {version}, waits for your review")
HOME_MATCHING = N_("*Open calls for your skills*")
HOME_MATCHING_EMPTY = N_("No open call wants your skills right now. Add skills with `/cocreate skills add …`.")
HOME_MATCHING_ITEM = N_("#{number} *{title}* · wants {skills} · due {deadline}")
HOME_SETTINGS = N_("*Your settings*")
HOME_SKILLS = N_("Skills: {skills}")
HOME_NO_SKILLS = N_("Skills: none yet — `/cocreate skills add SEO, video`")
HOME_REMINDERS_ON = N_("Reminder DMs are on.")
HOME_REMINDERS_OFF = N_("Reminder DMs are off.")
HOME_RECOGNITION_ON = N_("The weekly digest thanks you by name.")
HOME_RECOGNITION_OFF = N_("The weekly digest does not name you.")
HOME_ASKS = N_("How often Cobot may invite you to requests that match your skills:")
ASKS_CHOICE_DEFAULT = N_("Workspace default ({limit} a month)")
ASKS_CHOICE_NEVER = N_("Never")
ASKS_CHOICE_TIMES = NP_("At most once a month", "At most {count} times a month")
HOME_PAGE_OF = N_("Page {page} of {pages} ({total} in all)")
BUTTON_NEXT = N_("Next ›")
BUTTON_PREVIOUS = N_("‹ Previous")
BUTTON_TURN_OFF = N_("Turn off")
BUTTON_TURN_ON = N_("Turn on")
BUTTON_LEAVE_LINE = N_("Leave the line")

# --- reports and import ---------------------------------------------------------------------------------------
# `/cocreate report`: an Excel workbook for request owners (their own requests) and admins (everything).
USAGE_REPORT = N_("Try `/cocreate report` for everything so far, or `/cocreate report 2026-11` for one month.")
REPORT_NOT_ALLOWED = N_(
    "Reports are for request owners and admins, and you don't own a request {period}. "
    "`/cocreate mine` shows what you own."
)
REPORT_BUILDING = N_("Building your report on {scope} {period}… I'll send it to you as an Excel file in a DM.")
REPORT_PROGRESS = NP_(
    "Building your report on {scope} {period}… {count} contribution so far.",
    "Building your report on {scope} {period}… {count} contributions so far.",
)
REPORT_UPLOADING = N_("Uploading your report {period} ({requests}, {rows})…")
REPORT_READY = N_("Your report {period} is ready: I've sent `{file}` to you in a DM.")
REPORT_FILE_COMMENT = N_(
    "Your Cobot report on {scope} {period}: requests, contributions, the publishing calendar, and a summary per "
    "month and department."
)
REPORT_AS_FILE_ONLY = N_(
    "Reports come as Excel files: ask for one in Slack with `/cocreate report`, or run `cobot export report.xlsx`."
)
REPORT_SCOPE_ALL = N_("all requests")
REPORT_SCOPE_OWN = N_("the requests you own")
REPORT_PERIOD_ALL = N_("so far")
REPORT_PERIOD_MONTH = N_("for {month}")
REPORT_PERIOD_RANGE = N_("from {start} to {end}")
REPORT_PERIOD_FROM = N_("from {start} on")
REPORT_PERIOD_UNTIL = N_("until {end}")

# Sheets, column headers and values of the report workbook.
SHEET_REQUESTS = N_("Requests")
SHEET_CONTRIBUTIONS = N_("Contributions")
SHEET_CALENDAR = N_("Calendar")
SHEET_SUMMARY = N_("Summary")
COL_ID = N_("ID")
COL_TITLE = N_("Title")
COL_FORMAT = N_("Format")
COL_OWNER = N_("Owner")
COL_OWNER_DEPARTMENT = N_("Owner's department")
COL_STATUS = N_("Status")
COL_POSTED = N_("Posted")
COL_DEADLINE = N_("Draft deadline")
COL_SLOT = N_("Slot")
COL_SLOT_TIME = N_("Slot time")
COL_PUBLISHED_ON = N_("Published on")
COL_PUBLISHED_URL = N_("Published URL")
COL_DERIVED_FROM = N_("Derived from")
COL_VOLUNTEERS = N_("Volunteers")
COL_CONTRIBUTORS = N_("Contributors")
COL_DAYS_TO_VOLUNTEER = N_("Days to first volunteer")
COL_DAYS_TO_PUBLISH = N_("Days to publish")
COL_REQUEST = N_("Request")
COL_PART = N_("Part")
COL_PERSON = N_("Person")
COL_DEPARTMENT = N_("Department")
COL_ROLE = N_("Role")
COL_DRAFTS = N_("Drafts")
COL_APPROVED = N_("Approved")
COL_DAYS_CALL_TO_VOLUNTEER = N_("Days from call to volunteer")
COL_DAYS_LATE = N_("Days late")
COL_STARTS = N_("Starts")
COL_BOOKED = N_("Booked or free")
COL_MONTH = N_("Month")
COL_REQUESTS = N_("Requests")
COL_FULFILLED = N_("Fulfilled")
COL_PUBLISHED = N_("Published")
COL_MEDIAN_TO_VOLUNTEER = N_("Median days to first volunteer")
COL_MEDIAN_TO_PUBLISH = N_("Median days to publish")
COL_DISTINCT_CONTRIBUTORS = N_("Distinct contributors")
COL_DEPARTMENTS_REACHED = N_("Departments reached")
COL_CONTRIBUTIONS = N_("Contributions")
ROLE_CONTRIBUTOR = N_("contributor")
ROLE_IN_LINE = N_("in line")
ROLE_WITHDREW = N_("withdrew")
SLOT_IS_BOOKED = N_("booked")
SLOT_IS_FREE = N_("free")
NO_DEPARTMENT = N_("(no department)")
ALL_DEPARTMENTS = N_("All departments")
CHART_CONTRIBUTIONS_TITLE = N_("Contributions per department")
# Comments on the headers of the counts that are easily confused ("Volunteers 5, Contributors 0").
NOTE_VOLUNTEERS = N_(
    "Volunteers: people who hold a place on the request now (on the request or a part). "
    "People waiting in line and people who withdrew are not counted."
)
NOTE_CONTRIBUTORS = N_(
    "Contributors: people who have handed in at least one draft, each counted once. "
    "A volunteer becomes a contributor with their first draft."
)

# `cobot export`, `cobot calendar-url` and the calendar feed.
EXPORT_REPORT_DONE = N_("Wrote {file}: {requests}, {rows} and {slots} {period}.")
EXPORT_CALENDAR_DONE = NP_(
    "Wrote {file}: {count} event (draft deadlines and booked publishing slots).",
    "Wrote {file}: {count} events (draft deadlines and booked publishing slots).",
)
EXPORT_UNKNOWN_KIND = N_(
    "{file}: Cobot exports Excel reports (.xlsx) and calendars (.ics); name the file e.g. report.xlsx or calendar.ics."
)
CALENDAR_URL = N_("Calendar feed of {workspace}: {address}")
CALENDAR_URL_PERSONAL = N_("Calendar feed of {person} in {workspace} (their own deadlines and slots): {address}")
CALENDAR_URL_NEW = N_(
    "This is a new address; it works until {expires}. Cobot keeps only a fingerprint of it, so it cannot be shown "
    "again: each `cobot calendar-url` makes another (earlier ones keep working until they expire; `--rotate` stops "
    "them). Anyone with this address can read the calendar; subscribe to it in Outlook or Google Calendar."
)
CALENDAR_URL_HOST = N_(
    "Put the public address of `cobot serve` in front of the path, e.g. https://cobot.example.com{path} "
    "(`--base-url` prints the whole address)."
)
CALENDAR_URL_ROTATED = N_(
    "The previous calendar address no longer works; calendars subscribed to it must use the new one."
)
CALENDAR_PERSON_UNKNOWN = N_(
    "{person} is not known in {workspace}; Cobot knows people once they have used it (a request, a volunteer…)."
)
FEED_NAME = N_("Cobot publishing calendar")
PERSONAL_FEED_NAME = N_("Cobot: my deadlines and slots")
FEED_DEADLINE = N_("Drafts due: #{number} {title}")
FEED_SLOT = N_("{slot}: #{number} {title}")
FEED_DESCRIPTION = N_("Owner: {owner}")
FEED_DESCRIPTION_CARD = N_("Owner: {owner}\nRequest card: {url}")
FEED_SOMEONE = N_("a colleague")
PERSONAL_FEED_FULL_URL = N_(
    "Your own calendar feed (your deadlines and the slots booked for your requests): {url}\n"
    "Subscribe to it in Outlook or Google Calendar. It works until {expires}. Anyone with it can read your "
    "calendar, so keep it to yourself; each time you ask you get a new address, and earlier ones keep working "
    "until they expire."
)
PERSONAL_FEED_SENT = N_("I've sent you the address of your own calendar feed in a direct message.")
PERSONAL_FEED_URL = N_(
    "Your own calendar feed (your deadlines and the slots booked for your requests): `{path}`\n"
    "Put the address of Cobot's server in front of it (your Cobot admin knows it) and subscribe in Outlook or "
    "Google Calendar. It works until {expires}. Anyone with it can read your calendar, so keep it to yourself; "
    "each time you ask you get a new address, and earlier ones keep working until they expire."
)
WORKSPACE_NONE = N_("There is no workspace in the database yet; Cobot makes one when someone first uses it.")
WORKSPACE_SEVERAL = N_("Several workspaces are in the database ({workspaces}); pick one with --workspace.")
WORKSPACE_UNKNOWN = N_("There is no workspace {workspace} in the database; known: {workspaces}.")

# `cobot import`: a content plan (requests and one-off publishing slots) from an Excel workbook.
PLAN_SHEET = N_("Plan")
SLOTS_SHEET = N_("Slots")
ABOUT_SHEET = N_("About")
PLAN_COL_KEY = N_("Key")
PLAN_COL_TITLE = N_("Title")
PLAN_COL_BRIEF = N_("Brief")
PLAN_COL_FORMAT = N_("Format")
PLAN_COL_SKILLS = N_("Skills")
PLAN_COL_PARTS = N_("Parts")
PLAN_COL_NEEDS = N_("Needs")
PLAN_COL_DEADLINE = N_("Deadline")
PLAN_COL_OWNER = N_("Owner")
PLAN_COL_CHANNEL = N_("Channel")
PLAN_COL_SLOT = N_("Slot")
PLAN_COL_GUESTS = N_("Guests")
SLOT_COL_NAME = N_("Name")
SLOT_COL_DATE = N_("Date")
SLOT_COL_WEEKDAY = N_("Weekday")
SLOT_COL_UNTIL = N_("Until")
SLOT_COL_TIME = N_("Time")
SLOT_COL_ADDED_BY = N_("Added by")
ABOUT_COLUMN = N_("Column")
ABOUT_WHAT = N_("What to write")
ABOUT_INTRO = N_(
    "One request per row on the Plan sheet, one publishing slot (or a weekly series) per row on Slots. "
    "Rows whose Key is 'example' are skipped. Check with `cobot import --dry-run plan.xlsx`, then import."
)
HELP_KEY = N_("Optional. Your own id for the row; without one, title and deadline identify it. Re-imports skip it.")
HELP_TITLE = N_("Required. The request's title, as on its card.")
HELP_BRIEF = N_("What is wanted, for whom, and why.")
HELP_FORMAT = N_("One word, e.g. blog, post, video (pick from the list or type your own).")
HELP_SKILLS = N_("Skills wanted, separated by commas, e.g. SEO, writing.")
HELP_PARTS = N_("Parts that different people claim, separated by semicolons, e.g. Intro; Tips; Checklist.")
HELP_NEEDS = N_("How many volunteers (without parts), 1 to 50.")
HELP_DEADLINE = N_("Required. The draft deadline, a date (YYYY-MM-DD).")
HELP_OWNER = N_("Required. The owner's e-mail address or Slack user id (U…).")
HELP_CHANNEL = N_("The channel id (C…) to post the request card in; without one the request is only listed.")
HELP_GUESTS_COLUMN = N_(
    "People outside the company to invite by e-mail to the whole request, from its owner, separated by ; — e.g. "
    "Anne Holm <anne@example.com>; bo@example.org (needs SMTP_URL and PUBLIC_URL; not for requests with parts)."
)
HELP_SLOT = N_("Where it will be published: a slot name and day, e.g. LinkedIn 2026-12-08 (add HH:MM if needed).")
HELP_SLOT_NAME = N_("Required. The slot's name, e.g. LinkedIn or Newsletter.")
HELP_SLOT_DATE = N_("The day of a one-off slot; with a Weekday, the first day of the series (default: today).")
HELP_SLOT_WEEKDAY = N_("For a weekly series: mon, tue, wed, thu, fri, sat or sun (needs Until).")
HELP_SLOT_UNTIL = N_("For a weekly series: its last day.")
HELP_SLOT_TIME = N_("Required. The local time, HH:MM.")
HELP_SLOT_KEY = N_(
    "Optional. A note of your own for the row; a slot is known by its name and start, so re-imports skip slots "
    "that are already there. 'example' marks the example row."
)
HELP_SLOT_ADDED_BY = N_(
    "Who adds it: an e-mail address or Slack user id (default: whoever `cobot import --as U…` names, "
    "else the first admin in app.yaml)."
)
EXAMPLE_KEY = N_("example")

IMPORT_MISSING = N_("{cell}: {column} is missing")
IMPORT_NOT_A_DATE = N_("{cell}: {column} {value} is not a date; write it as YYYY-MM-DD")
IMPORT_DATE_PASSED = N_("{cell}: {column} {value} has already passed")
IMPORT_NOT_A_TIME = N_("{cell}: {column} {value} is not a time; write it as HH:MM")
IMPORT_TOO_LONG = N_("{cell}: {column} is {length} characters long; at most {limit} fit")
IMPORT_BAD_NEEDS = N_("{cell}: needs {value} is not a whole number from 1 to {limit}")
IMPORT_TOO_MANY_PARTS = N_("{cell}: {count} parts, but a request can have at most {limit}")
IMPORT_PART_TOO_LONG = N_("{cell}: the part “{value}” is longer than {limit} characters")
IMPORT_BAD_PERSON = N_("{cell}: {value} is neither an e-mail address nor a Slack user id (U…)")
IMPORT_UNKNOWN_EMAIL = N_(
    "{cell}: nobody with the e-mail {value} is known to Cobot yet; write their Slack user id (U…) instead"
)
IMPORT_AMBIGUOUS_EMAIL = N_("{cell}: several members have the e-mail {value}; write their Slack user id (U…) instead")
IMPORT_MAY_NOT_CREATE = N_("{cell}: {value} may not post requests (see permissions.creators in app.yaml)")
IMPORT_BAD_CHANNEL = N_("{cell}: {value} is not a channel id (C…); it is under the channel's name → About")
IMPORT_BAD_SLOT_REF = N_("{cell}: slot {value} should be a slot name and a day, e.g. LinkedIn {example} 10:00")
IMPORT_UNKNOWN_SLOT = N_("{cell}: there is no slot {value}; add it on the Slots sheet or in app.yaml")
IMPORT_AMBIGUOUS_SLOT = N_("{cell}: slot {value} runs more than once that day; add the time, e.g. {value} 10:00")
IMPORT_DUPLICATE_ROW = N_(
    "{cell}: the same request as {other} (same key, or same title and deadline); give each row its own Key"
)
IMPORT_DUPLICATE_SLOT = N_("{cell}: the same slot as {other}")
IMPORT_BAD_WEEKDAY = N_("{cell}: {value} is not a weekday; write mon, tue, wed, thu, fri, sat or sun")
IMPORT_WEEKDAY_NEEDS_UNTIL = N_("{cell}: a weekly slot needs an Until date")
IMPORT_DATE_OR_WEEKDAY = N_("{cell}: give a Date (one slot) or a Weekday and Until (a slot every week)")
IMPORT_TOO_MANY_SLOTS = N_("{cell}: that makes {count} slots; one row may make at most {limit}")
IMPORT_SLOT_PASSED = N_("{cell}: the slot {slot} {when} would be in the past")
IMPORT_NO_ADDER = N_("{cell}: say who adds this slot under Added by, or run the import with --as <Slack user id>")
IMPORT_REFUSED = N_("{cell}: {problem}")
IMPORT_BAD_GUEST = N_(
    "{cell}: “{value}” is not an e-mail address; write guests as Anne Holm <anne@example.com>; bo@example.org"
)
IMPORT_GUEST_IS_COLLEAGUE = N_("{cell}: {email} belongs to a colleague who is already here, not a guest")
IMPORT_GUESTS_NEED_EMAIL = N_(
    "{cell}: guests are invited by e-mail, which is not set up: set SMTP_URL and PUBLIC_URL, or leave Guests empty"
)
IMPORT_GUESTS_WITH_PARTS = N_(
    "{cell}: guests from a plan join the whole request, and this one has parts; leave Guests empty and invite them "
    "to a part after the import: /cocreate guest <id> <e-mail> <part>"
)
IMPORT_NOT_A_WORKBOOK = N_(
    "{file} is not an Excel workbook (.xlsx). Save it as an .xlsx file from Excel, Numbers or Google Sheets, "
    "or start from `cobot import --template plan.xlsx`."
)
IMPORT_LOOKS_LIKE_CSV = N_(
    "{file} is a CSV text file, not an Excel workbook. Open it in your spreadsheet program and save it as .xlsx, "
    "or start from `cobot import --template plan.xlsx`."
)
IMPORT_ENCRYPTED = N_(
    "{file} is password-protected (or an old .xls file), which Cobot can't read. "
    "Save an unprotected copy as .xlsx and import that."
)
IMPORT_TOO_BIG = N_("{file} is {size} MB; Cobot imports plans of up to {limit} MB. Split it into smaller files.")
IMPORT_UNPACKS_TOO_BIG = N_(
    "{file} unpacks to more than {limit} MB, far more than a content plan needs. Save a copy with only the Plan "
    "and Slots sheets."
)
IMPORT_TOO_MANY_ROWS = N_("{sheet} has {count} rows; Cobot imports at most {limit} per sheet. Split the plan up.")
IMPORT_UNREADABLE = N_("{file} could not be read as an Excel workbook ({reason}). Save it again as .xlsx.")
IMPORT_NO_PLAN_SHEETS = N_(
    "{file} has no sheet named {plan} or {slots}. Start from the template: `cobot import --template plan.xlsx`."
)
IMPORT_MISSING_COLUMN = N_("{cell}: the column {column} is missing; the columns are {columns}")
IMPORT_UNKNOWN_COLUMN = N_("{cell}: unknown column {value}; the columns are {columns}")
IMPORT_DUPLICATE_COLUMN = N_("{cell}: the column {value} appears twice")
IMPORT_MERGED = N_("{cell}: merged cells can't be imported; unmerge them (Merge & Center → Unmerge Cells)")
IMPORT_FORMULA = N_(
    "{cell}: holds the formula {value}, but Cobot imports values only; type the value, or paste it as values"
)
IMPORT_EMPTY = N_("{file} has nothing to import: no rows below the headers of {plan} and {slots}.")
IMPORT_PROBLEMS = NP_(
    "{file}: {count} problem, so nothing was imported:", "{file}: {count} problems, so nothing was imported:"
)
IMPORT_DONE = N_("Imported {requests} and {slots} from {file}.")
IMPORT_DRY_RUN = N_("Dry run, nothing was changed: importing {file} would add {requests} and {slots}.")
IMPORT_SKIPPED = NP_(
    "{count} row was imported before and is skipped.", "{count} rows were imported before and are skipped."
)
IMPORT_LINE_REQUEST = N_("{cell}: request “{title}” · due {deadline} · owner {owner}")
IMPORT_LINE_CREATED = N_("{cell}: #{number} “{title}” · due {deadline} · owner {owner}")
IMPORT_LINE_SLOT = N_("{cell}: slot {slot} {when}")
IMPORT_LINE_ALREADY_REQUEST = N_("{cell}: already imported as #{number}")
IMPORT_LINE_ALREADY_SLOT = N_("{cell}: slot {slot} {when} already exists")
IMPORT_LINE_WOULD_BOOK = N_("{cell}: would be booked into {slot} {when}")
IMPORT_LINE_BOOKED = N_("{cell}: #{number} booked into {slot} {when}")
IMPORT_LINE_WOULD_INVITE = N_("{cell}: would invite {guests} by e-mail")
IMPORT_LINE_INVITED = N_("{cell}: invited {guests} to #{number} by e-mail")
IMPORT_SLOT_TAKEN = N_("{cell}: {slot} {when} is already booked for #{number}; pick another slot")
IMPORT_SLOT_TWICE = N_("{cell}: {slot} {when} is booked by {other} too; a slot holds one piece")
# `/cocreate import` and a plan shared with Cobot in a DM.
IMPORT_HOW = N_(
    "To import a content plan, share the .xlsx file with me in a direct message (App Home → Messages). I'll check "
    "it and show what it would add, without changing anything. To import it, share it again with the comment "
    "`{word}`. A plan with any problem imports nothing; an empty template: `cobot import --template plan.xlsx`."
)
IMPORT_ADMINS_ONLY = N_("Only Cobot's admins can import content plans. Please ask {admins}.")
IMPORT_CONFIRM_HINT = N_("Looks right? Share the file with me again with the comment `{word}` to import it.")
IMPORT_MORE_LINES = NP_("…and {count} more line.", "…and {count} more lines.")
IMPORT_DOWNLOAD_FAILED = N_("I couldn't fetch {file} from Slack. Please share it again in a moment.")
TEMPLATE_WRITTEN = N_("Wrote the content-plan template {file}. Fill in Plan and Slots, then `cobot import {file}`.")

# --- language -------------------------------------------------------------------------------------------------
USAGE_LANGUAGE = N_("Cobot speaks English and Danish: `/cocreate language en` or `/cocreate language da`.")
LANGUAGE_SET = N_("From now on I'll write to you in English.")
HOME_LANGUAGE = N_("Language: English")
BUTTON_OTHER_LANGUAGE = N_("Dansk")

# --- erasure (`handlers.erasure`): a guest erasing their own data, `cobot forget` -------------------------
ERASED_YOURSELF = N_(
    "Your personal data is erased: your name, e-mail address and links are gone, and Cobot won't write to you "
    "again. What you handed in stays with the request, credited to a former contributor. Thank you for helping."
)
ERASE_ONLY_GUESTS = N_(
    "Only a guest can erase their own data here. To have a colleague's data erased, ask whoever runs Cobot "
    "(`cobot forget`)."
)
GUEST_ERASED_PLACE_FREED = N_(
    "A guest on #{number} *{title}* erased their personal data and gave up their place, so it is free again. "
    "Anything they handed in stays, credited to a former contributor."
)
GUEST_ERASED = N_(
    "A guest on #{number} *{title}* erased their personal data. Anything they handed in stays, credited to a "
    "former contributor."
)
PERSON_ERASED_PLACE_FREED = N_(
    "A contributor's personal data was erased, so their place on #{number} *{title}* is free again. Anything "
    "they handed in stays, credited to a former contributor."
)
FORGET_UNKNOWN = N_(
    "Cobot knows nobody by {person}. Give their e-mail address or their platform user id (e.g. U0123ABC); "
    "nothing was changed."
)
FORGET_SEVERAL_WORKSPACES = N_(
    "{person} is known in several workspaces ({workspaces}); pick one with --workspace. Nothing was changed."
)
FORGET_SEVERAL_PEOPLE = N_(
    "{person} matches several people in {workspace} ({people}); give the user id of the one to forget. Nothing "
    "was changed."
)
FORGET_ALREADY = N_("{person} was forgotten already, on {day}; there is nothing left to erase.")
FORGET_PREVIEW = N_("This erases the personal data of {name} ({user_id}) in {workspace}:")
FORGET_PREVIEW_GUEST = N_("This erases the personal data of the guest {name} ({user_id}) in {workspace}:")
FORGET_LINE_PROFILE = N_("• name, e-mail address, time zone, language and locale, and their platform user id")
FORGET_LINE_SKILLS = NP_("• {count} skill in the skills directory", "• {count} skills in the skills directory")
FORGET_LINE_DEPARTMENT = N_("• the department “{department}”, which nobody else has")
FORGET_LINE_LINKS = NP_("• {count} guest link (it stops working)", "• {count} guest links (they stop working)")
FORGET_LINE_FEEDS = NP_(
    "• {count} address of their calendar feed (it stops working)",
    "• {count} addresses of their calendar feed (they stop working)",
)
FORGET_LINE_MESSAGES = NP_(
    "• {count} message to them not sent yet (dropped)", "• {count} messages to them not sent yet (dropped)"
)
FORGET_LINE_PLACES = NP_(
    "• {count} place on an open request (given up; its owner is told)",
    "• {count} places on open requests (given up; their owners are told)",
)
FORGET_LINE_KEPT = N_(
    "What they contributed (drafts, places, reviews, the counts in reports) stays, credited to “a former "
    "contributor”. If they use Cobot again, they start as someone new."
)
FORGET_CONFIRM = N_("Erase it? Type yes to go ahead: ")
FORGET_CANCELLED = N_("Nothing was erased.")
FORGET_DONE = N_("Erased. {user_id} in {workspace} is now “a former contributor”.")
FORGET_STILL_IN_CONFIG = N_("{user_id} is still named in app.yaml ({settings}); take it out there too.")


# --- the guest's web page (/guest/<token>, handlers.guest_page) -------------------------------------------------
# Plain text: the page escapes it and shows no chat markup.
PAGE_TITLE = N_("Cobot: {title}")
PAGE_NOT_FOUND_TITLE = N_("This link doesn't open anything")
PAGE_NOT_FOUND = N_(
    "The link may be mistyped, or it is no longer valid. Links stop working after a while, and when the request is "
    "finished. Ask the person who invited you for a new link."
)
PAGE_TOO_MANY = N_("That was a lot of requests in a short time. Please wait a minute and try again.")
PAGE_FORM_EXPIRED = N_("That form is out of date. Nothing was changed. Open your link again and try once more.")
PAGE_TOO_LARGE = N_("That was more than I can take in one go ({limit} MB at most). Nothing was changed.")
PAGE_INVITED_BY = N_("{owner} has invited you to help with this piece of content.")
PAGE_FORMAT = N_("Format")
PAGE_YOUR_PART = N_("Your part")
PAGE_DEADLINE = N_("Draft deadline")
PAGE_OWNER = N_("Owner")
PAGE_BRIEF = N_("Brief")
PAGE_ACCEPT_HEADING = N_("Will you help?")
PAGE_ACCEPT_BUTTON = N_("Yes, I'll help")
PAGE_DECLINE_BUTTON = N_("No, thanks")
PAGE_WAITING = N_(
    "All places are taken right now, so you're number {position} in line. You'll be able to hand in a draft here "
    "as soon as a place opens."
)
PAGE_HAND_IN_HEADING = N_("Hand in your draft")
PAGE_HAND_IN_AGAIN_HEADING = N_("Hand in a new version")
PAGE_HAND_IN_HINT = N_("Write your draft here, give a link to it, or upload a file. Each one becomes a new version.")
PAGE_TEXT_LABEL = N_("Your draft as text (at most {limit} characters)")
PAGE_TEXT_BUTTON = N_("Hand in this text")
PAGE_LINK_LABEL = N_("A link to your draft (https://…)")
PAGE_LINK_BUTTON = N_("Hand in this link")
PAGE_FILE_LABEL = N_("A file ({types}; at most {limit} MB)")
PAGE_FILE_BUTTON = N_("Upload this file")
PAGE_VERSIONS_HEADING = N_("Your versions")
PAGE_NO_VERSIONS = N_("You haven't handed in anything yet.")
PAGE_VERSION = N_("Version {version}, {when}")
PAGE_FILE_ENTRY = N_("File: {name} ({size} kB)")
PAGE_FEEDBACK_CHANGES = N_("{owner} asked for changes:")
PAGE_FEEDBACK_APPROVED = N_("{owner} approved this version.")
PAGE_STATE_SUBMITTED = N_("{owner} has your latest version and will review it.")
PAGE_STATE_CHANGES = N_("{owner} asked for changes. You can hand in a new version below.")
PAGE_STATE_APPROVED = N_("{owner} approved your draft. Thank you for helping!")
PAGE_STATE_WITHDRAWN = N_("You're no longer on this request. Thanks for letting us know.")
PAGE_STATE_CLOSED = N_("This request is finished, so nothing more can be handed in here. Thank you!")
PAGE_MORE_TIME_HEADING = N_("Need more time?")
PAGE_MORE_TIME_LABEL = N_("A later draft deadline")
PAGE_MORE_TIME_BUTTON = N_("Ask for more time")
PAGE_MORE_TIME_PENDING = N_("You asked for more time, until {day}. {owner} will decide.")
PAGE_WITHDRAW_HEADING = N_("Can't make it after all?")
PAGE_WITHDRAW_BUTTON = N_("Step back from this request")
PAGE_SETTINGS_HEADING = N_("Language and time zone")
PAGE_LANGUAGE_LABEL = N_("Language")
PAGE_TIMEZONE_LABEL = N_("Time zone")
PAGE_SETTINGS_BUTTON = N_("Save")
PAGE_DONE_ACCEPTED = N_("Thank you! You can hand in your draft below whenever it's ready.")
PAGE_DONE_DECLINED = N_("You've said no to this request. Thanks for letting us know.")
PAGE_DONE_DRAFT = N_("Got it: version {version} of your draft. {owner} will review it.")
PAGE_DONE_MORE_TIME = N_("You've asked {owner} for more time. You'll see the answer here.")
PAGE_DONE_WITHDRAWN = N_("You've stepped back from this request. Thanks for letting us know.")
PAGE_DONE_SETTINGS = N_("Saved.")
CONSOLE_NOTHING_TO_SIGN_OFF = N_("There is nothing to sign off yet: the owner has not approved a version.")
PAGE_ERASE_HEADING = N_("Your personal data")
PAGE_ERASE_TEXT = N_(
    "You can erase your name, e-mail address and links here, and Cobot won't write to you again. What you "
    "handed in stays with the request, credited to a former contributor. This can't be undone."
)
PAGE_ERASE_BUTTON = N_("Erase my data")
PAGE_DONE_SIGNED_OFF = N_("Thank you! Your draft is signed off, so {owner} may publish it as you said.")
PAGE_DONE_CONSENT_WITHDRAWN = N_("You withdrew your consent. It won't be published without your sign-off.")
PAGE_SIGNOFF_INTRO = N_(
    "{owner} approved version {version}. Before it is published, say how: the name it goes out under, a line "
    "about you, and where it may be published."
)
PAGE_SIGNED_OFF = N_(
    "You signed off version {version} as {byline}. You can change the details below, or withdraw your consent "
    "until it is published."
)
PAGE_SIGNOFF_BUTTON = N_("Sign off version {version}")
PAGE_WITHDRAW_CONSENT_BUTTON = N_("Withdraw my consent")
PAGE_EMPTY_TEXT = N_("Your draft is empty. Write something, or hand in a link or a file instead.")
PAGE_TEXT_TOO_LONG = N_(
    "That draft is {length} characters long, more than {limit}. Please upload it as a file or give a link instead."
)
PAGE_BAD_LINK = N_("That isn't a link I can use. Give one web address starting with https:// or http://.")
PAGE_NO_FILE = N_("Choose a file to upload first.")
PAGE_FILE_TOO_BIG = N_(
    "That file is {size} MB; files can be at most {limit} MB. Please make it smaller or give a link."
)
PAGE_FILE_WRONG_KIND = N_("I can't take that kind of file. Please upload one of these: {types}.")
PAGE_BAD_DATE = N_("{value} isn't a date I understand. Pick a day, or write it as YYYY-MM-DD.")
PAGE_BAD_LANGUAGE = N_("Pick English or Danish.")
PAGE_BAD_TIMEZONE = N_("{value} isn't a time zone I know. Pick one from the list.")
PAGE_NOT_NOW = N_("That can't be done right now. The page below shows where things stand.")
# Told to the request's owner in chat.
GUEST_DECLINED_FOR_OWNER = N_("{guest} said no to your invitation to #{number} *{title}*. Their place is free again.")
GUEST_WITHDREW_FOR_OWNER = N_("{guest} stepped back from #{number} *{title}*. Their place is free again.")
PAGE_BACK = N_("Back to your page")
HELP_SIGNOFF = N_(
    '`/cocreate signoff <id> [byline:"…"] [bio:"…"]` confirm the approved version of your contribution · '
    "`/cocreate withdraw-consent <id>` take your consent back before it is published · owners: "
    '`/cocreate published <id> <url> force:"reason"` publish without every sign-off'
)
COL_SIGN_OFF = N_("Sign-off")
REPORT_SIGNED_OFF = N_("Signed off {day} (v{version})")
REPORT_NOT_SIGNED_OFF = N_("Not signed off")
REPORT_CONSENT_WITHDRAWN = N_("Consent withdrawn")
REPORT_PUBLISHED_WITHOUT = N_("Published without sign-off: {reason}")
USAGE_SIGNOFF = N_(
    'Say which request you sign off: `/cocreate signoff 12`, optionally with `byline:"Your Name"` and '
    '`bio:"One line about you"`.'
)
USAGE_WITHDRAW_CONSENT = N_("Say which request you withdraw your consent for: `/cocreate withdraw-consent 12`.")
APPROVED_NOTICE_SIGN_OFF = N_(
    "{owner} approved your draft for #{number} *{title}*. Thank you for co-creating!\n"
    "Please sign off version {version}: confirm your byline, a one-line bio and where it may be published."
)
BUTTON_SIGN_OFF = N_("Sign off")
SIGNOFF_TITLE = N_("Sign off")
SIGNOFF_FORM_HINT = N_("Version {version} of your draft for #{number} {title}, as {owner} approved it.")
SIGNOFF_VERSION_LINE = N_("Version {version}, content hash (SHA-256) {hash}")
SIGNOFF_BYLINE_LABEL = N_("Byline: the name to publish it under")
SIGNOFF_BIO_LABEL = N_("A one-line bio (optional)")
SIGNOFF_PLACES_LABEL = N_("Where it may be published")
FORM_HINT_BYLINE = N_("the name to publish it under")
FORM_HINT_BIO = N_("a one-line bio, or nothing")
FORM_HINT_PLACES = N_("the numbers of the places where it may be published, e.g. 1,2 (nothing: all of them)")
SIGNOFF_DONE = N_(
    "Signed off version {version} of your draft for #{number}, as *{byline}*. It may be published: {places}. "
    "Changed your mind? `/cocreate withdraw-consent {number}` before it is published."
)
SIGNOFF_DONE_NO_PLACES = N_(
    "Signed off version {version} of your draft for #{number}, as *{byline}*. "
    "Changed your mind? `/cocreate withdraw-consent {number}` before it is published."
)
SIGNOFF_HINT_COMMAND = N_(
    "To sign off version {version} of your draft for #{number}, type `/cocreate signoff {number}`, optionally with "
    '`byline:"Your Name"` and `bio:"One line about you"`.'
)
SETTLED_SIGNED_OFF = N_("✍️ You signed off version {version}.")
SETTLED_CONSENT_WITHDRAWN = N_("↩️ You withdrew your consent. `/cocreate signoff {number}` gives it again.")
SETTLED_NEWER_APPROVED = N_("Version {version} has been approved since; sign that one off in the message below.")
SIGNOFF_NOT_YOURS = N_("That draft is not yours to sign off. Only its author can.")
SIGNOFF_NO_PLACE = N_("You hold no place on #{number}, so there is nothing of yours to sign off.")
SIGNOFF_NOT_APPROVED = N_(
    "Your draft for #{number} is not approved yet. You can sign it off once {owner} has approved it."
)
SIGNOFF_NEWER_VERSION = N_(
    "Version {version} is no longer the approved version of your draft for #{number}. "
    "Sign off the approved one instead: `/cocreate signoff {number}`."
)
SIGNOFF_CHANGED = N_(
    "The approved version of your draft for #{number} is not the one this form showed (version {version} is "
    "approved now). Check it and sign off again: `/cocreate signoff {number}`."
)
SIGNOFF_REQUEST_DONE = N_("#{number} is {status}, so there is nothing left to sign off.")
BYLINE_MISSING = N_(
    'Give the name to publish your contribution under: `/cocreate signoff {number} byline:"Your Name"`.'
)
BYLINE_TOO_LONG = N_("The byline is {length} characters long. Please keep it to {limit}.")
BIO_TOO_LONG = N_("The bio is {length} characters long. Please keep it to one line of at most {limit}.")
PLACES_NONE_CHOSEN = N_("Choose at least one place where it may be published.")
PLACES_UNKNOWN = N_(
    "A place you chose is no longer planned for #{number}. Close the form and press Sign off again to see where it "
    "may go now."
)
ALL_SIGNED_OFF_NOTICE = N_("Everyone has signed off #{number} *{title}*. It is ready to publish.")
WITHDRAW_CONSENT_DONE = N_(
    "You withdrew your consent for #{number}. It won't be published without your sign-off; "
    "to give it again: `/cocreate signoff {number}`."
)
WITHDRAW_CONSENT_NOTHING = N_("You have not signed off #{number}, so there is no consent to withdraw.")
WITHDRAW_CONSENT_ALREADY = N_("You have already withdrawn your consent for #{number}.")
WITHDRAW_CONSENT_PUBLISHED = N_(
    "#{number} is already published, so consent can no longer be withdrawn here. Please talk to {owner} about it."
)
CONSENT_WITHDRAWN_NOTICE = N_(
    "{user} withdrew their consent for #{number} *{title}*. It can't be published until they sign off again."
)
PERSON_CONSENT_WITHDRAWN = N_("{person} (consent withdrawn)")
PUBLISH_MISSING_SIGNOFFS = N_(
    "Not everyone has signed off #{number} yet: {people}. Ask them to sign off, or publish anyway and say why: "
    '`/cocreate published {number} {url} force:"reason"`.'
)
FORCE_REASON_MISSING = N_(
    'Say why #{number} is published without every sign-off: `/cocreate published {number} <url> force:"reason"`.'
)
FORCE_REASON_TOO_LONG = N_("The reason is {length} characters long. Please keep it to {limit}.")
PUBLISHED_FORCED_CONFIRM = N_(
    "Marked #{number} published without every sign-off, and recorded your reason. "
    "I've thanked everyone who helped in its thread."
)
PUBLISHED_WITHOUT_YOU_NOTICE = N_(
    "{owner} published #{number} *{title}* without your sign-off. The reason they gave: {reason}"
)

# `cobot analytics poll`: figures per day from the analytics server (Plausible), for the published pieces on the site.
COUNT_PUBLISHED_PIECES = NP_("{count} published piece", "{count} published pieces")
ANALYTICS_POLL_PIECE = N_("#{number} {url} ({start} to {end}): {figures}")
ANALYTICS_POLL_STORED = NP_(
    "Workspace {workspace}: stored {count} figure from {site} for {pieces}.",
    "Workspace {workspace}: stored {count} figures from {site} for {pieces}.",
)
ANALYTICS_POLL_NOTHING_NEW = N_("Workspace {workspace}: {site} had no figures yet for {pieces}.")
ANALYTICS_POLL_NONE = NP_(
    "Workspace {workspace}: no piece published on {site} in the last {count} day is waiting for figures.",
    "Workspace {workspace}: no piece published on {site} in the last {count} days is waiting for figures.",
)
ANALYTICS_POLL_ELSEWHERE = NP_(
    "{count} piece published on another site was left alone.",
    "{count} pieces published on other sites were left alone.",
)
ANALYTICS_POLL_FAILED = N_(
    "Workspace {workspace}: nothing was stored ({reason}). The daily poll asks for these days again."
)
ANALYTICS_DAY_NOT_OVER = N_("--day {day} is not over yet; poll a day before today ({today}).")

# --- results of published pieces (`handlers.outcomes.outcome_text`): one text per metric, joined ---------------
# A figure whose metric has no text of its own (any name an import or the owner used) is shown as "name: count".
RESULT_VIEWS = NP_("{count} view", "{count} views")
RESULT_CLICKS = NP_("{count} click", "{count} clicks")
RESULT_LEADS = NP_("{count} lead", "{count} leads")
RESULT_SHARES = NP_("{count} share", "{count} shares")
RESULT_COMMENTS = NP_("{count} comment", "{count} comments")
RESULT_REACTIONS = NP_("{count} reaction", "{count} reactions")
RESULT_DOWNLOADS = NP_("{count} download", "{count} downloads")
RESULT_SIGNUPS = NP_("{count} sign-up", "{count} sign-ups")
RESULT_LINK_CLICKS = NP_("{count} click on its Cobot link", "{count} clicks on its Cobot link")
RESULT_OTHER = N_("{metric}: {count}")
# Each known metric's name (``handlers.outcomes.METRIC_NAMES``): the report's column headers, the results form's labels.
METRIC_NAME_VIEWS = N_("Views")
METRIC_NAME_CLICKS = N_("Clicks")
METRIC_NAME_LEADS = N_("Leads")
METRIC_NAME_SHARES = N_("Shares")
METRIC_NAME_COMMENTS = N_("Comments")
METRIC_NAME_REACTIONS = N_("Reactions")
METRIC_NAME_DOWNLOADS = N_("Downloads")
METRIC_NAME_SIGNUPS = N_("Sign-ups")
RESULT_JOINED = N_("{first} · {rest}")

# --- reports: the Yield, Departments and Silo map sheets (bot/exports/excel/report.py) --------------------------
SHEET_YIELD = N_("Yield")
SHEET_DEPARTMENTS = N_("Departments")
SHEET_SILO_MAP = N_("Silo map")
COL_DEPARTMENTS_INVOLVED = N_("Departments involved")
COL_LINK_CLICKS = N_("Clicks on Cobot link")
COL_DAYS_REQUEST_TO_PUBLISH = N_("Days from request to publishing")
COL_ASKED = N_("Requests asked")
COL_VOLUNTEERED = N_("Volunteered")
COL_CONTRIBUTED = N_("Contributed")
COL_PUBLISHED_PIECES = N_("Published pieces")
NOTE_YIELD = N_(
    "Pieces published in the report's period, whenever they were asked for. Departments involved: the owner's "
    "first, then those of everyone who handed in a draft."
)
NOTE_ASKED = N_("Requests posted in the period by people in this department.")
NOTE_VOLUNTEERED = N_(
    "Places people in this department took on the period's requests, including those who waited in line or withdrew."
)
NOTE_CONTRIBUTED = N_("Places on the period's requests where someone in this department handed in a draft.")
NOTE_PUBLISHED_PIECES = N_(
    "Pieces published in the period that this department took part in, as owner or contributor; the figures to "
    "the right are those pieces' results added up."
)
NOTE_SILO_MAP = N_(
    "Published pieces two departments made together (the owner's department and every contributor's). "
    "On the diagonal: every published piece the department took part in."
)

# --- tracked (branch `tracked`): tracked links of published pieces, `PUBLIC_URL/r/<code>` (handlers.tracking) ------
CARD_TRACKED_LINK = N_("*Tracked link* {url}")
CARD_FIGURES = N_("*So far* {figures}")
PUBLISHED_TRACKED_LINK = N_(
    "Share this link to #{number} where you can: it leads to the piece, and Cobot counts the readers it brings. {url}"
)
TRACKED_NOT_FOUND_TITLE = N_("This link doesn't lead anywhere")
TRACKED_NOT_FOUND = N_(
    "The link may be mistyped or cut short. Ask whoever shared it for the whole address, or look for the piece on "
    "the site it was published on."
)
CONSOLE_CLICK_USAGE = N_(
    "Write `:click #<id>` to follow a published piece's tracked link as a new reader, or `:click #<id> <user agent>` "
    "as a particular browser or bot, e.g. `:click #4 Slackbot-LinkExpanding 1.0`."
)
CONSOLE_NO_TRACKED_LINK = N_("#{number} has no tracked link: it gets one when it is published.")
CONSOLE_CLICK_COUNTED = NP_(
    "A reader followed #{number}'s tracked link to {url}. It has counted {count} click.",
    "A reader followed #{number}'s tracked link to {url}. It has counted {count} clicks.",
)
CONSOLE_SAME_READER = N_("The same reader")
CONSOLE_CLICK_NOT_COUNTED = NP_(
    "{agent} opened #{number}'s tracked link; not counted (a preview bot or a repeat visit). It has {count} click.",
    "{agent} opened #{number}'s tracked link; not counted (a preview bot or a repeat visit). It has {count} clicks.",
)

# --- resultsback: results back to the people who helped, and the digest's results and crossing silos ----------
HELP_RESULTS_NOTES = N_("`/cocreate resultsnotes off|on`: a note with what the pieces you helped make earned")
USAGE_RESULTS_NOTES = N_("Try `/cocreate resultsnotes off` or `/cocreate resultsnotes on`.")
RESULTS_NOTES_ON = N_("A while after a piece you helped make is published, you'll hear what it earned.")
RESULTS_NOTES_OFF = N_(
    "You won't get notes about what the pieces you helped make earned. `/cocreate resultsnotes on` to undo."
)
HOME_RESULTS_NOTES_ON = N_("You hear what the pieces you helped make earned.")
HOME_RESULTS_NOTES_OFF = N_("You get no notes about what the pieces you helped make earned.")
# The note to each helper, a while (app.yaml `results_back.after_days`) after the piece was published; {count}
# is the days since then, {results} the piece's figures (``handlers.outcomes.outcome_text``).
RESULTS_NOTE = NP_(
    "Thank you for helping make *{title}*! It was published {count} day ago: {url}\nSo far it has earned {results}.",
    "Thank you for helping make *{title}*! It was published {count} days ago: {url}\nSo far it has earned {results}.",
)
RESULTS_NOTE_NOTHING_COUNTED = NP_(
    "Thank you for helping make *{title}*! It was published {count} day ago: {url}\n"
    "Nothing has been counted for it yet, but it is out there thanks to you.",
    "Thank you for helping make *{title}*! It was published {count} days ago: {url}\n"
    "Nothing has been counted for it yet, but it is out there thanks to you.",
)
# The digest: a published piece's line with its figures under it, and the line about crossing departments.
DIGEST_PUBLISHED_RESULTS = N_("{item}\nSo far: {results}")
DIGEST_SILOS = NP_(
    "*Across departments:* {count} piece published this month was made by people from more than one "
    "department: {pieces}.",
    "*Across departments:* {count} pieces published this month were made by people from more than one "
    "department: {pieces}.",
)
DIGEST_SILOS_FIRST_TIME = N_("{silos} Working together for the first time: {pairs}.")
DIGEST_SILOS_PIECE = N_("#{number} *{title}* ({departments})")
DIGEST_DEPARTMENT_PAIR = N_("{first} and {second}")
DIGEST_LIST = N_("{first}, {rest}")

# --- departments (branch `departments`): `/cocreate department`, `/cocreate whoami`, App Home (handlers.departments)
HELP_DEPARTMENTS = N_(
    "`/cocreate department <name>` sets the department you count for in reports (`clear` goes back to your "
    "profile's) · `/cocreate whoami` shows your name, department and title, and where Cobot got them"
)
USAGE_DEPARTMENT = N_(
    "Say which department you work in: `/cocreate department Marketing`, or `/cocreate department clear` to use "
    "the one in your profile again."
)
DEPARTMENT_TOO_LONG = N_(
    "A department name may have at most {limit} characters, and that one has {length}. Try a shorter name, "
    "e.g. `/cocreate department Marketing`."
)
DEPARTMENT_SET = N_(
    "Your department is now “{department}”: it counts in reports from now on. `/cocreate department clear` goes "
    "back to the one in your profile."
)
DEPARTMENT_CLEARED = N_("You no longer choose your department yourself: it is now “{department}”, from {source}.")
DEPARTMENT_CLEARED_NONE = N_(
    "You no longer choose your department yourself, and neither your profile nor an import gives one, so you have "
    "no department now."
)
DEPARTMENT_NOT_OWN = N_(
    "You have not chosen a department yourself, so there was nothing to clear. `/cocreate whoami` shows where "
    "yours comes from."
)
DEPARTMENT_SOURCE_SELF = N_("your own choice")
DEPARTMENT_SOURCE_PROFILE = N_("your Slack profile")
DEPARTMENT_SOURCE_GRAPH = N_("your Microsoft 365 profile")
DEPARTMENT_SOURCE_IMPORT = N_("an import")
WHOAMI_NAME = N_("Name: {name}")
WHOAMI_DEPARTMENT = N_("Department: {department} (from {source})")
WHOAMI_NO_DEPARTMENT = N_("Department: none")
WHOAMI_TITLE = N_("Title: {title}")
WHOAMI_NO_TITLE = N_("Title: none in your profile")
WHOAMI_SOURCES = N_("What each source says:")
WHOAMI_SOURCE_WINS = N_("• {source}: {department} ← this one counts")
WHOAMI_SOURCE = N_("• {source}: {department}")
WHOAMI_SOURCE_EMPTY = N_("• {source}: nothing")
WHOAMI_ORDER = N_(
    "Your own choice wins over your profile, and your profile over an import. `/cocreate department <name>` sets yours."
)
HOME_DEPARTMENT = N_("*Your department:* {department} (from {source})")
HOME_NO_DEPARTMENT = N_("*Your department:* none yet")
HOME_DEPARTMENT_CLEAR = N_("Use my profile's")
HOME_DEPARTMENT_LABEL = N_("Department")
HOME_DEPARTMENT_HINT = N_("Type the department you work in and press Enter.")

# --- uninstall: `cobot export-person`, `cobot purge-workspace` (bot.entrypoints.cli_privacy); `cobot forget` ----
EXPORT_PERSON_WRITTEN = N_("Wrote what Cobot holds about {user_id} in {workspace} to {path} (readable by you only).")
EXPORT_PERSON_CANNOT_WRITE = N_("Could not write {path}: {reason}. Give --out a file in a folder you can write to.")
PURGE_HEADING = N_("Deleting workspace {workspace} deletes these rows:")
PURGE_DRY_RUN_HEADING = N_("Dry run: deleting workspace {workspace} would delete these rows:")
PURGE_LINE = NP_("• {table}: {count} row", "• {table}: {count} rows")
PURGE_STILL_INSTALLED = N_(
    "Cobot is still installed in {workspace}: anything that happens there afterwards starts a new, empty workspace."
)
PURGE_CONFIRM = N_("Delete it all? Type yes to go ahead: ")
PURGE_NOTHING_DELETED = N_("Nothing was deleted.")
PURGE_DONE = NP_("Deleted workspace {workspace}: {count} row.", "Deleted workspace {workspace}: {count} rows.")
PURGE_UNKNOWN = N_(
    "Cobot knows no workspace {workspace}. Give its id as the platform has it (e.g. Slack's T0123ABC); nothing was "
    "deleted."
)
PURGE_SEVERAL_PLATFORMS = N_(
    "{workspace} names a workspace on several platforms ({platforms}); pick one with --platform. Nothing was deleted."
)
FORGET_LINE_INVITATIONS = NP_(
    "• {count} invitation to a request, and how they answered it",
    "• {count} invitations to requests, and how they answered them",
)

# --- results (branch `results`): figures typed by the owner (`/cocreate results`, its form) and imported from a file
HELP_RESULTS = N_(
    "`/cocreate results <id> views:1200 clicks:86 leads:3` what a published piece earned (owners; "
    "on Slack without figures: a form)"
)
USAGE_RESULTS = N_(
    "Name the published request and its figures so far: `/cocreate results {number} views:1200 clicks:86 leads:3`. "
    "Known metrics: views, clicks, leads, shares, comments, reactions, downloads, signups (in Danish too: visninger, "
    "klik, kundeemner, …); any other name with a number, like `webinar-guests:40`, counts as a metric of its own."
)
RESULTS_PROBLEM = N_("{problem} Nothing was saved. {usage}")
RESULTS_BAD_METRIC = N_(
    "“{name}” can't be a metric's name: use letters, digits, `-` or `_`, at most {limit} characters."
)
RESULTS_NOT_A_FIGURE = N_("“{value}” is not a whole number of at least 0.")
RESULTS_FIGURE_TOO_BIG = N_("“{value}” is too big to be a count; figures go up to {limit}.")
RESULTS_METRIC_TWICE = N_("“{name}” is given twice; give each metric once.")
ONLY_OWNER_RESULTS = N_("Only the request's owner ({owner}) or an admin can give the results of #{number}.")
RESULTS_NOT_PUBLISHED = N_(
    "Request #{number} is {status}, not published yet: its results can be given once it is, after "
    "`/cocreate published {number} <url>`."
)
RESULTS_SAVED = N_("Saved. #{number} *{title}* so far: {figures}")
BUTTON_ADD_RESULTS = N_("Add results")
RESULTS_FORM_TITLE = N_("Results")
RESULTS_FORM_SAVE = N_("Save")
RESULTS_FORM_HINT = N_(
    "What #{number} {title} has earned so far, in total. Fill in what you know; empty fields are left as they were."
)
RESULTS_FORM_OTHER = N_("Other metrics")
RESULTS_FORM_OTHER_HINT = N_("As name: number, e.g. webinar-guests: 40, podcast-plays: 300")
RESULTS_FORM_BAD_OTHER = N_("Write other metrics as name: number, separated by commas, e.g. webinar-guests: 40")
RESULTS_FORM_EMPTY = N_("Fill in at least one figure.")
# `cobot import results <file>`: one row per piece and day, one column per metric.
RESULTS_FILE_UNREADABLE = N_(
    "{file} could not be read ({reason}). Import results from a .csv file or an unprotected .xlsx workbook."
)
RESULTS_FILE_TYPE = N_("{file} is neither a .csv file nor an .xlsx workbook; save the results as one of them.")
RESULTS_FILE_TOO_BIG = N_("{file} is {size} MB; Cobot imports results files of up to {limit} MB. Split it up.")
RESULTS_FILE_EMPTY = N_(
    "{file} is empty. Its first row names the columns: url (or request), date, then one column per metric, e.g. "
    "url;date;views;clicks"
)
RESULTS_FILE_NO_ROWS = N_("{file} has headers but no rows of figures below them; nothing was imported.")
RESULTS_FILE_TOO_MANY_ROWS = N_("{file} has {count} rows; Cobot imports at most {limit} at once. Split it up.")
RESULTS_COL_MISSING_PIECE = N_(
    "{cell}: no column says which piece a row is about; name one url (the address it was published at) or request "
    "(its number)"
)
RESULTS_COL_MISSING_DATE = N_("{cell}: the column date is missing; give each row's day as YYYY-MM-DD")
RESULTS_COL_NO_METRICS = N_(
    "{cell}: no column of figures; add one per metric, named e.g. views, clicks, leads (or visninger, klik, …)"
)
RESULTS_COL_BAD = N_("{cell}: “{value}” is not a column Cobot knows nor a metric's name")
RESULTS_COL_TWICE = N_("{cell}: the column {value} appears twice (as {first})")
RESULTS_CELL_FORMULA = N_(
    "{cell}: holds the formula {value} without a saved result; open the file in Excel and save it, or type the number"
)
RESULTS_CELL_NO_PIECE = N_("{cell}: say which piece this row is about")
RESULTS_CELL_BAD_REQUEST = N_("{cell}: “{value}” is not a request number")
RESULTS_CELL_NO_REQUEST = N_("{cell}: there is no request #{number}")
RESULTS_CELL_NOT_PUBLISHED = N_("{cell}: #{number} is {status}, not published")
RESULTS_CELL_NO_URL = N_("{cell}: no published piece has the address {url}")
RESULTS_CELL_SEVERAL_URL = N_("{cell}: several published pieces have the address {url}; use the request column")
RESULTS_CELL_URL_OTHER = N_("{cell}: #{number} was published at {published}, not {url}")
RESULTS_CELL_NO_DATE = N_("{cell}: give the day as YYYY-MM-DD or dd-mm-yyyy")
RESULTS_CELL_BAD_DATE = N_("{cell}: “{value}” is not a date; write it as YYYY-MM-DD or dd-mm-yyyy")
RESULTS_CELL_FUTURE = N_("{cell}: {day} has not come yet; import figures of days gone by")
RESULTS_CELL_FIGURE = N_("{cell}: {problem}")
RESULTS_CELL_NO_FIGURES = N_("{cell}: this row has no figures")
RESULTS_ROW_REPEATED = N_("{cell}: #{number} on {day} is already in row {row} with other figures; keep one of them")
RESULTS_ROW_DUPLICATE = N_("{cell}: row {row} repeats row {first}; it is imported once")
RESULTS_IMPORT_PROBLEMS = NP_(
    "{file}: {count} problem, so nothing was imported:", "{file}: {count} problems, so nothing was imported:"
)
RESULTS_IMPORT_LINE = N_("#{number} {title}: {figures}")
COUNT_FIGURES = NP_("{count} figure", "{count} figures")
COUNT_PIECES = NP_("{count} piece", "{count} pieces")
RESULTS_IMPORTED = N_("Imported {figures} for {pieces} from {file}.")
RESULTS_IMPORT_DRY_RUN = N_("Dry run, nothing was changed: importing {file} would store {figures} for {pieces}.")
# --- oauth: the pages after "Add to Slack" (bot.slack.oauth) ---------------------------------------------------
OAUTH_INSTALLED_TITLE = N_("Cobot is installed")
OAUTH_INSTALLED = N_("Cobot is now installed in {workspace}. Open Slack and type `/cocreate help` to begin.")
OAUTH_FAILED_TITLE = N_("Cobot was not installed")
OAUTH_STATE_EXPIRED = N_(
    "This install link has expired, or it was opened in another browser. Nothing was installed; please start again "
    "in this browser."
)
OAUTH_CANCELLED = N_("The install was cancelled and nothing was changed. You can start it again whenever you like.")
OAUTH_FAILED = N_(
    "Slack did not complete the install ({reason}). Please start again; if it keeps failing, ask the person who runs "
    "Cobot."
)
OAUTH_START_AGAIN = N_("Start the install again")
OAUTH_NOT_INSTALLED = N_(
    "Cobot is not installed in this workspace yet. An admin can add it from {url} (“Add to Slack”)."
)
OAUTH_INSTALL_PAGE = N_("Cobot's install page")
# --- yieldconsole: the console writes the report it cannot send (bot.console.app) ----------------------------
CONSOLE_REPORT_WRITTEN = N_(
    "Your report {period} is written to `{path}` ({requests}, {rows}). In Slack I would send it to you in a DM."
)
