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
# A line of talk after a speaker's colon: a sentence, perhaps quoted, to the line's end.
_LINE_OF_TALK = r"[ \t]*[\"“]?[^\W\d_a-z][^\n]*[ \t][^\n]*"
# A speaker opening a line of talk: one or two words before the colon.
_SPEAKER = rf"{_W}(?:[ \t]{_W})?"
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
    r"|founder|co-?founder|owner"
)
_BEFORE = (
    r"talked[ \t]+to|talking[ \t]+to|spoke[ \t]+(?:to|with)|spoken[ \t]+(?:to|with)|speaking[ \t]+(?:to|with)|met[ \t]+with"
    r"|chatted[ \t]+with|synced[ \t]+with|checked[ \t]+with|confirmed[ \t]+with|working[ \t]+with|worked[ \t]+with"
    r"|loop(?:ed|ing)?[ \t]+in|thanks[ \t]+to|thank[ \t]+you[ \t]+to|kudos[ \t]+to|shout-?out[ \t]+to|ask(?:ed|ing)?"
    r"|tell|told|per|contact(?:ed)?|e-?mail(?:ed)?|escalated[ \t]+(?:it[ \t]+)?to|forwarded[ \t]+(?:it[ \t]+)?to"
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
    # Credits: who made or handled it ("Written by:", "Reviewed by:", "Opened by:").
    r"|(?:written|directed|produced|created|authored|edited|reviewed|reported|prepared|presented|narrated|illustrated"
    r"|translated|composed|photographed|performed|maintained|assigned|opened|closed|resolved|filed|raised|posted)[ \t]+by"
)
_AFTER = (
    r"said|says|told|asked|mentioned|confirmed|noticed|reported|replied|responded|suggested|thinks|thought"
    r"|believes|agreed|promised|explained|wrote|emailed|called|pinged|recommended|decided|prefers|shouted|yelled"
    r"|whispered|answered|smiled|laughed|nodded|waved"
    r"|is[ \t]+(?:out|off|away|back|on[ \t]+(?:leave|vacation|holiday|pto|parental))|was[ \t]+(?:out|off|away)"
    r"|(?:will|'ll|can|could|would|should)[ \t]+(?:send|share|check|look|call|join|follow|reach|confirm|test|try"
    r"|review|email|reply|get[ \t]+back|be[ \t]+(?:out|back|available|off|joining|talking|speaking|presenting|on[ \t]+the[ \t]+call)|help|take|handle|update)"
    r"|ran[ \t]+the|sent|opened|owns|approved|needs[ \t]+to|wants|joined|left[ \t]+the[ \t]+company"
    r"|lives|lived|grew[ \t]+up|was[ \t]+born|studied|is[ \t]+a[ \t]+(?:very[ \t]+)?(?:\w+[ \t]+)?(?:person|man|woman|guy|colleague)"
    r"|works[ \t]+(?:at|for)|(?:is|was|comes)[ \t]+from[ \t]+(?-i:(?=[^\W\d_a-z]))"
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
# What a person has and a product or company has not: kin, a home and the ways to reach it, a life, works
# of their own. Written here from English usage: the nouns a possessive name ("Ada's …") takes. Not what
# software has too ("… signature", "… life cycle", "… family of plugins").
_POSSESSED = (
    r"wife|husband|spouse|son|sons|daughters?|kids?|child|children|mother|father|mom|mum|dad|parents|brothers?"
    r"|sisters?|friends?|boyfriend|girlfriend|fianc[ée]e?|uncles?|aunts?|cousins?|grand(?:son|daughter|mother|father)s?"
    r"|nephews?|nieces?|widow|widower|neighbou?rs?|birthday|address|phone|cellphone|passport|salary"
    r"|death|funeral|grave|murder|murderers?|killers?|wedding|career|childhood|biography|memoir|obituary"
    r"|songs?|albums?|novels?|poems?|paintings?|lyrics|voice|face|hair"
)
# Roles a person is given in an account or a document ("add … as an admin").
_GIVEN_ROLES = (
    r"admin|administrator|owner|co-?owner|member|user|contact|approver|reviewer|maintainer|collaborator|editor|viewer"
    r"|signatory|representative|delegate|manager|beneficiary|guardian|trustee|executor|dependant|dependent|cardholder"
    r"|account[ \t]+holder|assignee|watcher|requester|cc"
)
# Kin: "my daughter …" is followed by a name, whatever the word is.
_KIN = (
    r"kids?|sons?|daughters?|child|children|wife|husband|friend|brothers?|sisters?|mother|father|mom|mum|dad"
    r"|neighbou?r|cousin|uncle|aunt|niece|nephew|grandson|granddaughter|grandmother|grandfather|fianc[ée]e?"
    r"|boyfriend|girlfriend"
)
# Only a person is "him" or "her": a sentence's subject these refer back to is a person. Not "he" or "she",
# which as a new clause's subject often is someone else ("Gitolite stopped, so he restarted it").
_HE_SHE = r"him|her|his|hers|himself|herself"
# A character of the same sentence before which no "he" or "she" stands: "his" after "he" is his, not the subject's.
_NO_HE = r"(?:(?!\b(?i:he|she)\b)[^.!?\n])"
# What a quotation is said with ("…," says Ada.), and a reply's verbs.
_SAYS = (
    r"says|said|asks|asked|replies|replied|adds|added|explains|explained|notes|noted|writes|wrote|recalls|recalled"
    r"|continues|continued|answers|answered|insists|insisted|admits|admitted|tells|told|laughs|laughed|whispers|whispered"
    r"|shouts|shouted|exclaims|exclaimed"
)
# Not right after a determiner ("the", "its", …): one fixed-width look-behind per word.
_NOT_AFTER_DETERMINER = "".join(
    rf"(?<!\b(?i:{d})[ \t])"
    for d in "a an the this that these those each every any some no its our your their my his her whose which".split()
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
    # A word the text must hold for the place to be looked for at all (one quick search, not one per sentence).
    needs: re.Pattern[str] | None = None
    # The first word must be a listed given name that is no common word: "no ordinary word" is not enough.
    listed_only: bool = False


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
    # Thanked by name at a line's start, the line going on: "Thanks Beatrix! That worked.", "Cheers Magnus, all good".
    Place("sign-off", _compile(rf"^[ \t>]*(?i:{_CLOSINGS})[ \t]*,?[ \t]+{_n()}[ \t]*(?=[!,.;:][ \t])"), STRONG, lower=True),
    Place(
        "sign-off",
        _compile(rf"^[ \t>]*(?i:{_CLOSINGS})[ \t]*[,!.]*[ \t]*\n(?:[ \t>]*\n)?[ \t>]*{_n()}[ \t]*,?[ \t]*$"),
        STRONG,
        lower=True,
    ),
    # "-- Tymeo" or "- marek" as a text's last line.
    Place("sign-off", _compile(rf"^[ \t]*(?:--|-|—|–|~)[ \t]*{_n()}[ \t]*\s*\Z"), STRONG, lower=True),
    Place("signature", _compile(rf"^[ \t]*--[ \t]*\n[ \t]*{_n()}[ \t]*$"), STRONG),
    # A name over a job title, a blank line between them or not (a CV's or a card's head).
    Place("signature", _compile(rf"^[ \t]*{_n()}[ \t]*,?[ \t]*\n(?:[ \t]*\n)?[ \t]*(?=[^\n]{{0,60}}$)[^\n]*?\b(?i:{_TITLES})\b"), STRONG),
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
        needs=_compile(rf"(?i:{_SPOKE})[ \t]*:"),
    ),
    Place("mail header", _compile(rf"(?i:\bschrieb|\ba[ \t]+écrit|\bescribió)[ \t]+{_n()}[ \t]*(?=<|:|$)"), STRONG),
    Place("chat", _compile(rf"^[ \t]*{_TIME}[ \t]+{_n()}[ \t]*:(?!//)"), STRONG, lower=True),
    # An IRC-style nick opening a line of talk is a name even when it is a word ("<Marline> anyone seen this?").
    Place("chat", _compile(rf"^[ \t]*(?:{_TIME}[ \t]*)?<[@+]?{_n()}>[ \t]+(?=[^\W\d_])"), STRONG, lower=True, certain=True),
    Place("chat", _compile(rf"^[ \t]*{_n()}[ \t]{{1,3}}{_TIME}[ \t]*$"), STRONG, lower=True),
    Place(
        "chat",
        _compile(rf"^[ \t]*(?i:{_CHAT_OPENERS})[ \t]*,?[ \t]+{_n()}[ \t]*(?:[,!.]|$)"),
        STRONG,
        lower=True,
    ),
    # A dialogue: two lines in a row open with a speaker and a colon, then a sentence ("Berna: What a day.").
    # Either line's speaker, the first by what follows it, the second by what stands before it. Strong and
    # in lower case too, because each line holds a sentence of two words or more; the weak "speaker"
    # places below take capitalized speakers before shorter lines ("Anna: Thanks!").
    Place("chat", _compile(rf"^[ \t]*{_n()}:{_LINE_OF_TALK}\n(?=[ \t]*{_SPEAKER}:{_LINE_OF_TALK})"), STRONG, lower=True),
    Place("chat", _compile(rf"^[ \t]*{_SPEAKER}:{_LINE_OF_TALK}\n[ \t]*{_n()}:(?={_LINE_OF_TALK})"), STRONG, lower=True),
    Place("git", _compile(rf"^[ \t]*(?:{_TRAILERS})[ \t]*:[ \t]*{_n()}[ \t]*(?=<|$)"), STRONG, certain=True),
    Place("git", _compile(rf"^[ \t]*[0-9a-f]{{7,40}}[ \t]+(?:-[ \t]+)?\(?{_n()}[ \t]+(?=\d{{4}}-\d\d-\d\d|<|\()"), STRONG),
    Place("role", _compile(rf"(?i:\b(?:{_ROLES}))[ \t]*,?[ \t]+(?i:{_TITLE_PREFIX})?{_n()}"), STRONG),
    Place(
        "role",
        _compile(
            rf"(?i:\b(?:my|our|a|an|the|their|your|his|her)[ \t]+(?:[\w-]+[ \t]+){{0,2}}?(?:{_PLAIN_ROLES})s?)"
            rf"[ \t]*[,:]?[ \t]+{_n()}"
        ),
        STRONG,
    ),
    # "@Ali can you…", "(cc @marek)"; not a decorator or an annotation on a line of its own, not `@pytest.mark`.
    Place("mention", _compile(rf"(?<![\w@.+/\\])@{_n()}(?=[ \t]*[,:;!?)]|[ \t]+[^\W\d_])"), STRONG, lower=True),
    Place("mention", _compile(rf"(?:^|(?<=[ \t(]))\+{_n()}(?=[\s,:;.!?)]|$)"), STRONG),
    Place("mention", _compile(rf"(?i:\b(?:cc|bcc|cc'?ing|cc'?d|fyi))[ \t]*:?[ \t]+{_n()}"), STRONG, lower=True),
    Place("mention", _compile(rf"(?i:\bping(?:ed|ing)?)[ \t]+{_n()}"), WEAK, lower=True),
    # Whatever follows "my name is" is the writer's name, an English word too ("My name is Hazel").
    Place("introduction", _compile(rf"(?i:\b(?:my[ \t]+name[ \t]+is|call[ \t]+me))[ \t]+{_n()}"), STRONG, lower=True, certain=True),
    Place(
        "introduction",
        _compile(rf"(?i:\b(?:name[ \t]+is|named(?:[ \t]+(?:him|her|them|it))?))[ \t]+{_n()}"),
        STRONG,
        lower=True,
    ),
    Place("introduction", _compile(rf"(?i:\b(?:{_SELF}))[ \t]+{_UPPER}{_n()}"), WEAK),
    # "Rosalind here from the infra side.", "Hey all, Rosalind here." – a writer saying who they are.
    Place(
        "introduction",
        _compile(rf"(?:^[ \t>]*|[,.!?][ \t]+){_UPPER}{_n()}[ \t]+(?i:here)(?=[ \t]*[,.!;:—–-]|[ \t]+(?i:from|at|with|again|on)\b)"),
        WEAK,
    ),
    Place("title", _compile(rf"(?<![\w.])(?:{_TITLE})[ \t]+{_n()}"), STRONG, lower=True, certain=True),
    Place("field", _compile(rf"^[ \t>*-]*(?i:{_NAME_FIELDS})[ \t]*:[ \t]*{_n()}[ \t]*,?[ \t]*$"), STRONG, lower=True),
    # The answer to a question for a name: "What's your name?\nTiberne".
    Place("field", _compile(rf"(?i:\bname)[ \t]*\?[ \t]*(?:\n[ \t>]*)?{_n()}[ \t]*[.!]?[ \t]*$"), STRONG, lower=True, certain=True),
    # Given a role: "please add Ada Quill as an admin", "make yvarne the owner".
    Place(
        "role",
        _compile(
            rf"(?i:\b(?:add|added|adding|make|made|invite|invited|assign|assigned|appoint|appointed|nominate|nominated))"
            rf"[ \t]+{_n()}[ \t]+(?i:(?:as[ \t]+)?(?:(?:a|an|the|our|my|their)[ \t]+)?"
            rf"(?:[\w-]+[ \t]+)?(?:{_GIVEN_ROLES})s?\b)"
        ),
        STRONG,
        lower=True,
    ),
    Place("kin", _compile(rf"(?i:\b(?:my|our|his|her|their|your)[ \t]+(?:{_KIN}))[ \t]*,?[ \t]+{_UPPER}{_n()}"), STRONG, certain=True),
    # Spoken to: "Anna, can you…", "…, Anna!", "Remember me, Anna? I …"
    Place(
        "vocative",
        _compile(rf"^[ \t]*{_n()}[ \t]*,[ \t]*(?i:(?:can|could|would|will|do|did|are|have)[ \t]+(?:you|i|we))\b"),
        WEAK,
        lower=True,  # "marek, can you check?" in chat
    ),
    Place("vocative", _compile(rf",[ \t]+{_UPPER}{_n()}[ \t]*[!?](?:[ \t]*(?:$|\n)|[ \t]+(?=[\"“]?[^\W\d_a-z]))"), WEAK),
    # "Anna, the sync is stuck again.": a line opened by a word and a comma is a name only when the
    # word is a listed given name ("However," "Kubernetes," "Zoekt," are not).
    Place("vocative", _compile(rf"^[ \t>]*{_UPPER}{_n()}[ \t]*,[ \t]+(?=[^\W\d_])"), WEAK, listed_only=True),
    # Who said a quotation: "…," says Ada. / "…," ada says. / said Ada to Tiberne. A capitalized word there
    # is a name, an English word too ("…," says Hazel.); "the manual" or "he" is not.
    Place(
        "quotation",
        _compile(rf"[,!?…][\"”][ \t]*(?i:{_SAYS})[ \t]+(?i:{_TITLE_PREFIX})?{_n()}(?=[ \t]*(?:[.,;:!?]|$))"),
        STRONG,
        lower=True,
        certain=True,
    ),
    Place("quotation", _compile(rf"[,!?…][\"”][ \t]*{_n()}[ \t]+(?i:{_SAYS})\b"), STRONG, lower=True, certain=True),
    Place("quotation", _compile(rf"(?i:\b(?:{_SAYS}))[ \t]+{_UPPER}{_W}(?:[ \t]+{_W})?[ \t]+to[ \t]+{_UPPER}{_n()}"), WEAK),
    # What "his" or "her" refers back to: the subject of that sentence or the one before it ("marek lost his …").
    Place(
        "antecedent",
        _compile(
            rf"(?:^|(?<=[.!?][ \t])|(?<=[.!?][ \t]{{2}}))[ \t>\"“]*{_n()}"
            rf"(?={_NO_HE}{{0,120}}?\b(?i:{_HE_SHE})\b|{_NO_HE}{{0,120}}?[.!?][ \t]{{1,2}}{_NO_HE}{{0,120}}?\b(?i:{_HE_SHE})\b)"
        ),
        WEAK,
        lower=True,
        needs=re.compile(rf"\b(?i:{_HE_SHE})\b"),
    ),
    # A possessive before what only people have: "Ada's address", "Quillon Vasko's funeral".
    Place("possessive", _compile(rf"{_UPPER}{_n()}['’]s[ \t]+(?:[\w-]+[ \t]+)?(?i:(?:{_POSSESSED})\b)"), WEAK, from_right=True),
    # In lower case only one word, and not after an article or a possessive: "the kubelet's address" is a thing's.
    Place(
        "possessive",
        _compile(
            rf"(?<![^\W\d_'’.@/\\-])(?={_W}['’]s[ \t]){_NOT_AFTER_DETERMINER}(?P<name>{_W})['’]s[ \t]+(?:[\w-]+[ \t]+)?"
            rf"(?i:(?:{_POSSESSED})\b)"
        ),
        WEAK,
        lower=True,
    ),
    # A speaker's line without a time: "Anna: "Who are you?"", or one of two such lines in a row.
    Place("speaker", _compile(rf"^[ \t>]*{_UPPER}{_n()}[ \t]*:[ \t]?(?=[\"“])"), WEAK),
    Place("speaker", _compile(rf"^[ \t>]*{_UPPER}{_n()}[ \t]*:[ \t]?(?=[A-Z][^\n]*\n[ \t>]*{_UPPER}{_SPEAKER}[ \t]*:[ \t]?[\"“A-Z])"), WEAK),
    Place("speaker", _compile(rf"^(?=[ \t>]*{_UPPER}{_SPEAKER}[ \t]*:[ \t]?[\"“A-Z][^\n]*\n[ \t>]*{_UPPER}{_n()}[ \t]*:[ \t]?[\"“A-Z])"), WEAK),
    Place("third party", _compile(rf"(?i:\b(?:{_BEFORE}))[ \t]+(?i:{_TITLE_PREFIX})?{_n()}"), WEAK),
    Place(
        "third party",
        _compile(rf"{_UPPER}{_n()}[ \t]*,?[ \t]+(?i:(?:{_AFTER})\b)"),
        WEAK,
        from_right=True,
        needs=_compile(rf"(?i:\b(?:{_AFTER})\b)"),
    ),
    Place(
        "organization",
        _compile(
            rf"{_UPPER}(?P<org>{_ORGS})['’]s[ \t]+(?:[\w-]+[ \t]+){{0,2}}?(?i:(?:{_ORG_AFTER})\b)"
        ),
        COMPANY,
        from_right=True,
        needs=_compile(r"['’]s[ \t]"),
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
        needs=_compile(r"[|@]"),
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
        needs=_compile(r"(?i:\b(?:sourcegraph|cody)\b)"),
    ),
)
