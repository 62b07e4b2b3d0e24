"""Where names stand in a support ticket: one compiled pattern per place, and how sure each place is.

The patterns only say where to look; `contexts.ContextFinder` decides whether
what stands there is a name. A pattern's group `name` (or `org`) is the span
to test. Keywords are matched in any letter case, names as written. Every
name group starts at a word's start, so a long run of letters is tried once:
the patterns run in time linear in the text.

The keyword lists (greetings, closings, job titles, roles, verbs) are written
here from English and the other languages' ordinary usage; none comes from
the evaluation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from redaction.names import PARTICLES, WORD

STRONG, WEAK, COMPANY = "strong", "weak", "company"

_W = WORD.pattern
# Up to four words on one line; an initial may lead ("M. Horodecka"), particles may join ("van der Berg").
# Each starts at a word's start, so a long run of letters is tried once, not at each of its letters.
_NAMES = (
    rf"(?<![^\W\d_])(?:[^\W\d_]\.[ \t]?)?{_W}(?:[ \t]{{1,2}}(?:(?:{'|'.join(sorted(PARTICLES))})[ \t]{{1,2}})*{_W}){{0,3}}"
)
_ORGS = rf"(?<![^\W\d_]){_W}(?:[ \t]{_W}){{0,2}}"
_TIME = r"\[?(?:\d{4}-\d\d-\d\d[ T])?\d{1,2}:\d\d(?::\d\d)?(?:[ \t]?[AaPp]\.?[Mm]\.?)?\]?"
_TITLE_PREFIX = r"(?:mr|mrs|ms|mx|miss|dr|prof|herr|frau|pan|pani|sr|sra|srta|mme|mlle|sig|sig\.ra)\.?[ \t]+"
# A title on its own says a name follows, when it is written as one: "Ms. Dama", "ms. dama", "Herr Brandt".
_TITLE = r"(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Herr|Frau|Pan|Pani|Sr|Sra|Srta|Mme|Mlle|Sig|Sig\.ra)\.?|(?:mr|mrs|ms|mx|dr|prof)\."

_GREETINGS = (
    r"hi|hello|hey|heya|hiya|dear|good[ \t]+(?:morning|afternoon|evening|day)|greetings|morning|yo"
    r"|hallo|hola|bonjour|salut|ciao|buongiorno|cześć|witam|dzień[ \t]+dobry|hej|hoi|moin|servus|olá|oi|ahoj|bok"
    r"|guten[ \t]+(?:morgen|tag)|liebe[rs]?|sehr[ \t]+geehrte[rs]?|estimad[oa]|querid[oa]|beste|caro|cara|gentile"
    r"|szanown[ya]|prezad[oa]|geachte"
)
_CLOSINGS = (
    r"thanks(?:[ \t]+(?:again|a[ \t]+lot|so[ \t]+much|in[ \t]+advance))?|thank[ \t]+you(?:[ \t]+(?:again|so[ \t]+much))?"
    r"|many[ \t]+thanks|thx|ty|tia|cheers|best|all[ \t]+the[ \t]+best|(?:best|kind|warm|warmest|many)[ \t]+regards|regards"
    r"|best[ \t]+wishes|sincerely|yours(?:[ \t]+(?:sincerely|truly))?|respectfully|br|kr|rgds|talk[ \t]+soon|take[ \t]+care"
    r"|(?:viele|beste|liebe|freundliche|herzliche|mit[ \t]+freundlichen)[ \t]+grü(?:ß|ss)e|grü(?:ß|ss)e|gru(?:ß|ss)|lg|vg|mfg"
    r"|danke(?:[ \t]+schön)?|vielen[ \t]+dank|pozdrawiam|pozdrowienia|z[ \t]+poważaniem|dziękuję|dzięki"
    r"|(?:un[ \t]+)?saludos(?:[ \t]+cordiales)?|atentamente|gracias|muchas[ \t]+gracias"
    r"|(?:bien[ \t]+)?cordialement|bien[ \t]+à[ \t]+vous|merci(?:[ \t]+beaucoup)?|amicalement"
    r"|(?:cordiali|distinti)[ \t]+saluti|saluti|grazie(?:[ \t]+mille)?"
    r"|met[ \t]+vriendelijke[ \t]+groet(?:en)?|(?:hartelijke[ \t]+)?groet(?:en|jes)?|bedankt"
    r"|cumprimentos|atenciosamente|obrigad[oa]|abraços"
    r"|(?:med[ \t]+)?vänliga[ \t]+hälsningar|hälsningar|mvh|(?:med[ \t]+)?venlig[ \t]+hilsen|hilsen|tack"
    r"|s[ \t]+pozdravem|děkuji|(?:srdačan|lijep)[ \t]+pozdrav|pozdrav|s[ \t]+poštovanjem|hvala"
)
# What a chat line says to someone before their name: "ok marek, will do".
_CHAT_OPENERS = r"ok|okay|k|sure|yes|yep|yeah|no|nope|np|great|perfect|cool|nice|got[ \t]+it|sounds[ \t]+good|will[ \t]+do|sorry|welcome|bye"
_TITLES = (
    r"engineer|engineering|manager|lead|director|administrator|admin|architect|developer|sre|devops|head[ \t]+of"
    r"|vp|vice[ \t]+president|president|cto|ceo|cio|ciso|coo|cfo|founder|co-founder|consultant|specialist|analyst"
    r"|officer|owner|operations|programmer|scientist|technician|coordinator|team[ \t]+lead|tech[ \t]+lead|intern"
)
# Who a colleague is to the writer; the distinctive ones need no "my"/"our" before them.
_ROLES = (
    r"colleagues?|co-?workers?|teammates?|team-mates?|kollegen|kollegin|kollege|collègue|compañer[oa]|collega|colleghi"
    r"|kolega|koleżanka|koleżance|colega|kollega|kolegyně|kolegice"
)
_PLAIN_ROLES = (
    r"boss|manager|lead|cto|ceo|cio|ciso|coo|vp|director|engineer|admin|administrator|architect|consultant"
    r"|contractor|officer|developer|intern|analyst|sre|dba|head|contact|champion|counterpart|sysadmin|dev"
)
_BEFORE = (
    r"talked[ \t]+to|talking[ \t]+to|spoke[ \t]+(?:to|with)|spoken[ \t]+(?:to|with)|speaking[ \t]+(?:to|with)|met[ \t]+with"
    r"|chatted[ \t]+with|synced[ \t]+with|checked[ \t]+with|confirmed[ \t]+with|working[ \t]+with|worked[ \t]+with"
    r"|loop(?:ed|ing)?[ \t]+in|thanks[ \t]+to|thank[ \t]+you[ \t]+to|kudos[ \t]+to|shout-?out[ \t]+to|ask(?:ed|ing)?"
    r"|tell|told|contact(?:ed)?|e-?mail(?:ed)?|escalated[ \t]+(?:it[ \t]+)?to|forwarded[ \t]+(?:it[ \t]+)?to"
    r"|(?:re)?assigned[ \t]+(?:it[ \t]+)?to|hand(?:ed)?[ \t]+(?:it[ \t]+)?(?:over[ \t]+)?to|with[ \t]+help[ \t]+from"
    r"|according[ \t]+to|reach(?:ed)?[ \t]+out[ \t]+to|message[ds]?|call(?:ed)?|invit(?:e|ed)|approved[ \t]+by"
    r"|[a-z]+ed[ \t]+by|ping(?:ed|ing)?|adding|added|include|including|(?:on[ \t]+)?behalf[ \t]+of"
    r"|(?:shouted|yelled|smiled|waved|pointed|looked|laughed|nodded|winked)[ \t]+at|(?:said|spoke|wrote|talked|replied)[ \t]+to"
    r"|said|asked|thanked|(?:my|our|his|her|their)[ \t]+(?:kid|son|daughter|child|wife|husband|partner|friend|brother|sister"
    r"|mother|father|mom|mum|dad|neighbou?r|cousin|uncle|aunt|niece|nephew|grandson|granddaughter|fianc[ée]e?)"
)
# Who the writer says they are: "my name is …", "I'm …".
_SELF = r"my[ \t]+name[ \t]+is|name's|call[ \t]+me|this[ \t]+is|i[ \t]+am|i'm|it's|signed"
# Form and record fields that hold a person's name.
_NAME_FIELDS = (
    r"name|full[ \t]+name|first[ \t]+name|last[ \t]+name|surname|contact(?:[ \t]+person)?|customer|client|patient"
    r"|employee|beneficiary|recipient|attn|attention|requester|requested[ \t]+by|reporter|assignee|account[ \t]+holder"
    r"|card[ \t]?holder|signed|signature|submitted[ \t]+by|approved[ \t]+by|on[ \t]+behalf[ \t]+of"
)
_AFTER = (
    r"said|says|told|asked|mentioned|confirmed|noticed|reported|replied|responded|suggested|thinks|thought"
    r"|believes|agreed|promised|explained|wrote|emailed|called|pinged|recommended|decided|prefers|shouted|yelled"
    r"|whispered|answered|smiled|laughed|nodded|waved"
    r"|is[ \t]+(?:out|off|away|back|on[ \t]+(?:leave|vacation|holiday|pto|parental))|was[ \t]+(?:out|off|away)"
    r"|(?:will|'ll|can|could|would|should)[ \t]+(?:send|share|check|look|call|join|follow|reach|confirm|test|try"
    r"|review|email|reply|get[ \t]+back|be[ \t]+(?:out|back|available|off)|help|take|handle|update)"
    r"|ran[ \t]+the|sent|opened|owns|approved|needs[ \t]+to|wants|joined|left[ \t]+the[ \t]+company"
    r"|lives|lived|grew[ \t]+up|was[ \t]+born|studied|is[ \t]+a[ \t]+(?:very[ \t]+)?(?:\w+[ \t]+)?(?:person|man|woman|guy|colleague)"
    r"|from[ \t]+(?:our|the|their|my|your)[ \t]+(?:[\w-]+[ \t]+){0,2}team"
)
_SPOKE = (
    r"wrote|writes|a[ \t]+écrit|escribió|schrieb|scrisse|ha[ \t]+scritto|schreef|escreveu|skrev|kirjoitti"
    r"|napisał|napisała|napsal|napsala|je[ \t]+napisao|je[ \t]+napisala"
)
_TRAILERS = (
    r"Author|Commit|Committer|Signed-off-by|Co-authored-by|Reviewed-by|Acked-by|Tested-by|Reported-by"
    r"|Suggested-by|Helped-by|Approved-by|Assisted-by"
)
_MAIL_FIELDS = r"From|Von|De|Van|Od|Da|Från|Fra|Reply-To|Sender|To|Cc|An|À|Para|Do|Aan|Till|Til"
_ORG_AFTER = (
    r"team|department|org|organi[sz]ation|gitlab|github|bitbucket|jira|instance|cluster|network|vpn|sso|okta"
    r"|infrastructure|infra|security|it|legal|procurement|engineers|developers|admins|polic(?:y|ies)|repositor(?:y|ies)"
    r"|repos|monorepo|tenant|account|data[ \t]?cent(?:er|re)|firewall|proxy|employees|staff|codebase|workspace"
)
_ENVIRONMENTS = r"staging|production|prod|dev|development|test|qa|uat|sandbox|internal|on-prem|self-hosted|preprod"


def _compile(source: str) -> re.Pattern[str]:
    return re.compile(source, re.MULTILINE)


@dataclass(frozen=True)
class Place:
    """One place names stand: its pattern (group `name` or `org`), how sure it is, and whether lower case counts."""

    context: str
    pattern: re.Pattern[str]
    strength: str
    lower: bool = False
    # Whatever capitalized words stand here are a name, ordinary words too ("Ms. Dama", "Name: Ivy Wood").
    certain: bool = False
    # The name ends where the place is ("… said", "…'s security team"): words are taken from the right.
    from_right: bool = False
    # For a place whose name comes before its keyword: the keyword alone, looked for first. A pattern that
    # starts with a name is tried at every word; most texts hold none of the keywords.
    cue: re.Pattern[str] | None = None


def _n(group: str = "name") -> str:
    return rf"(?P<{group}>{_NAMES})"


# A capital (or a letter outside a-z) first: where only capitalized names count, no match starts at "from".
_UPPER = r"(?=[^\W\d_a-z])"


PLACES: tuple[Place, ...] = (
    Place(
        "greeting",
        _compile(rf"^[ \t>]*(?i:{_GREETINGS})[ \t]*,?[ \t]+(?i:{_TITLE_PREFIX})?{_n()}[ \t]*(?=[,!:;.\-–—]|$)"),
        STRONG,
        lower=True,
    ),
    Place("sign-off", _compile(rf"^[ \t>]*(?i:{_CLOSINGS})[ \t]*[,!.]?[ \t]+{_n()}[ \t]*[!.]?[ \t]*$"), STRONG, lower=True),
    Place(
        "sign-off",
        _compile(rf"^[ \t>]*(?i:{_CLOSINGS})[ \t]*[,!.]*[ \t]*\n(?:[ \t>]*\n)?[ \t>]*{_n()}[ \t]*,?[ \t]*$"),
        STRONG,
        lower=True,
    ),
    # "-- Tymeo" or "- marek" as a text's last line.
    Place("sign-off", _compile(rf"^[ \t]*(?:--|-|—|–|~)[ \t]*{_n()}[ \t]*\s*\Z"), STRONG, lower=True),
    Place("signature", _compile(rf"^[ \t]*--[ \t]*\n[ \t]*{_n()}[ \t]*$"), STRONG),
    Place("signature", _compile(rf"^[ \t]*{_n()}[ \t]*,?[ \t]*\n[ \t]*(?=[^\n]{{0,60}}$)[^\n]*?\b(?i:{_TITLES})\b"), STRONG),
    Place("signature", _compile(rf"^[ \t]*{_n()}[ \t]*(?:\||,|–|—|-)[ \t]*(?=[^\n]{{0,80}}$)[^\n]*?\b(?i:{_TITLES})\b"), STRONG),
    Place(
        "mail header",
        _compile(rf"^[ \t>]*(?:{_MAIL_FIELDS})[ \t]*:[ \t]*[\"']?{_n()}[\"']?[ \t]*(?=<|\[|\(|;|$)"),
        STRONG,
    ),
    Place(
        "mail header",
        _compile(rf"{_n()}[ \t]*(?:<[^<>\n]{{1,100}}>|\[[^\[\]\n]{{1,100}}\]|\([^()\n]{{1,100}}\))?[ \t]*,?[ \t]*(?i:{_SPOKE})[ \t]*:"),
        STRONG,
        cue=_compile(rf"(?i:{_SPOKE})[ \t]*:"),
    ),
    Place("mail header", _compile(rf"(?i:\bschrieb|\ba[ \t]+écrit|\bescribió)[ \t]+{_n()}[ \t]*(?=<|:|$)"), STRONG),
    Place("chat", _compile(rf"^[ \t]*{_TIME}[ \t]+{_n()}[ \t]*:(?!//)"), STRONG, lower=True),
    Place("chat", _compile(rf"^[ \t]*(?:{_TIME}[ \t]*)?<[@+]?{_n()}>[ \t]"), STRONG, lower=True),
    Place("chat", _compile(rf"^[ \t]*{_n()}[ \t]{{1,3}}{_TIME}[ \t]*$"), STRONG, lower=True),
    Place(
        "chat",
        _compile(rf"^[ \t]*(?i:{_CHAT_OPENERS})[ \t]*,?[ \t]+{_n()}[ \t]*(?:[,!.]|$)"),
        STRONG,
        lower=True,
    ),
    Place("git", _compile(rf"^[ \t]*(?:{_TRAILERS})[ \t]*:[ \t]*{_n()}[ \t]*(?=<|$)"), STRONG, certain=True),
    Place("git", _compile(rf"^[ \t]*[0-9a-f]{{7,40}}[ \t]+(?:-[ \t]+)?\(?{_n()}[ \t]+(?=\d{{4}}-\d\d-\d\d|<|\()"), STRONG),
    Place("role", _compile(rf"(?i:\b(?:{_ROLES}))[ \t]*,?[ \t]+(?i:{_TITLE_PREFIX})?{_n()}"), STRONG),
    Place(
        "role",
        _compile(
            rf"(?i:\b(?:my|our|a|an|the|their|your|his|her)[ \t]+(?:[\w-]+[ \t]+){{0,2}}?(?:{_PLAIN_ROLES})s?)"
            rf"[ \t]*,?[ \t]+{_n()}"
        ),
        STRONG,
    ),
    # "@Ali can you…", "(cc @marek)"; not a decorator or an annotation on a line of its own, not `@pytest.mark`.
    Place("mention", _compile(rf"(?<![\w@.+/\\])@{_n()}(?=[ \t]*[,:;!?)]|[ \t]+[^\W\d_])"), STRONG, lower=True),
    Place("mention", _compile(rf"(?:^|(?<=[ \t(]))\+{_n()}(?=[\s,:;.!?)]|$)"), STRONG),
    Place("mention", _compile(rf"(?i:\b(?:cc|bcc|cc'?ing|cc'?d|fyi))[ \t]*:?[ \t]+{_n()}"), STRONG, lower=True),
    Place("mention", _compile(rf"(?i:\bping(?:ed|ing)?)[ \t]+{_n()}"), WEAK, lower=True),
    Place(
        "introduction",
        _compile(rf"(?i:\b(?:name[ \t]+is|call[ \t]+me|named(?:[ \t]+(?:him|her|them|it))?))[ \t]+{_n()}"),
        STRONG,
        lower=True,
    ),
    Place("introduction", _compile(rf"(?i:\b(?:{_SELF}))[ \t]+{_UPPER}{_n()}"), WEAK),
    Place("title", _compile(rf"(?<![\w.])(?:{_TITLE})[ \t]+{_n()}"), STRONG, lower=True, certain=True),
    Place("field", _compile(rf"^[ \t>*-]*(?i:{_NAME_FIELDS})[ \t]*:[ \t]*{_n()}[ \t]*,?[ \t]*$"), STRONG, lower=True),
    # Spoken to: "Anna, can you…", "…, Anna!"
    Place("vocative", _compile(rf"^[ \t]*{_UPPER}{_n()}[ \t]*,[ \t]*(?i:(?:can|could|would|will|do|did|are|have)[ \t]+(?:you|i|we))\b"), WEAK),
    Place("vocative", _compile(rf",[ \t]+{_UPPER}{_n()}[ \t]*[!?][ \t]*(?:$|\n)"), WEAK),
    # A speaker's line without a time: "Anna: "Who are you?"", or one of two such lines in a row.
    Place("speaker", _compile(rf"^[ \t>]*{_UPPER}{_n()}[ \t]*:[ \t]?(?=[\"“])"), WEAK),
    Place("speaker", _compile(rf"^[ \t>]*{_UPPER}{_n()}[ \t]*:[ \t]?(?=[A-Z][^\n]*\n[ \t>]*{_UPPER}{_W}(?:[ \t]{_W})?[ \t]*:[ \t]?[\"“A-Z])"), WEAK),
    Place("speaker", _compile(rf"^(?=[ \t>]*{_UPPER}{_W}(?:[ \t]{_W})?[ \t]*:[ \t]?[\"“A-Z][^\n]*\n[ \t>]*{_UPPER}{_n()}[ \t]*:[ \t]?[\"“A-Z])"), WEAK),
    Place("third party", _compile(rf"(?i:\b(?:{_BEFORE}))[ \t]+(?i:{_TITLE_PREFIX})?{_n()}"), WEAK),
    Place(
        "third party",
        _compile(rf"{_UPPER}{_n()}[ \t]*,?[ \t]+(?i:(?:{_AFTER})\b)"),
        WEAK,
        from_right=True,
        cue=_compile(rf"(?i:\b(?:{_AFTER})\b)"),
    ),
    Place(
        "organization",
        _compile(
            rf"{_UPPER}(?P<org>{_ORGS})['’]s[ \t]+(?:[\w-]+[ \t]+){{0,2}}?(?i:(?:{_ORG_AFTER})\b)"
        ),
        COMPANY,
        from_right=True,
        cue=_compile(r"['’]s[ \t]"),
    ),
    Place(
        "organization",
        _compile(
            rf"(?i:\b(?:we[ \t]+at|i[ \t]+work[ \t]+(?:at|for)|we[ \t]+work[ \t]+(?:at|for)|work(?:s|ing)?[ \t]+at"
            rf"|(?:parent|sister|holding)[ \t]+company|subsidiary[ \t]+of|our[ \t]+(?:company|employer|organi[sz]ation)"
            rf"|(?:{_TITLES})s?[ \t]+(?:at|@)))[ \t]+,?[ \t]*(?P<org>{_ORGS})"
        ),
        COMPANY,
    ),
    Place(
        "organization",
        _compile(rf"^[^\n|]{{0,60}}?\b(?i:{_TITLES})\b[^\n|@]{{0,40}}?[ \t]*[|@][ \t]*(?P<org>{_ORGS})[ \t]*$"),
        COMPANY,
        cue=_compile(r"[|@]"),
    ),
    Place(
        "organization",
        _compile(rf"(?i:\bthe)[ \t]+{_UPPER}(?P<org>{_ORGS})[ \t]+(?i:(?:{_ENVIRONMENTS}))[ \t]+(?i:instance|cluster|environment|env|server|deployment|site|tenant)"),
        COMPANY,
    ),
    Place(
        "organization",
        _compile(rf"{_UPPER}(?P<org>{_ORGS})[ \t]+(?i:runs|uses|hosts|self-hosts|deploys|deployed|licenses|bought)[ \t]+(?i:sourcegraph|cody)\b"),
        COMPANY,
        from_right=True,
        cue=_compile(r"(?i:\b(?:sourcegraph|cody)\b)"),
    ),
)
