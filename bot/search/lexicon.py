"""Plain-English word knowledge the engine brings with it, independent of any knowledge base.

These are facts about English and chat, not about IT project management: function words
and filler (stop words), irregular verb forms the Porter stemmer cannot join ("paid" and
"pay"), and a few groups of everyday words people use interchangeably ("tries" and
"attempts", "pass mark" and "passing score"). Domain vocabulary (pmp, scrum master, cv
and resume...) belongs in ``knowledge/synonyms.yaml``, where moderators can see and edit
it; the groups here only cover wording that any FAQ would meet.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def named_in(words: list[str], vocabulary: frozenset[str]) -> frozenset[str]:
    """The words of ``vocabulary`` that ``words`` (a message's cleaned words) name, a plural or a
    possessive as its word: "estimations", "budgets", "the PMP's" (cleaned to "pmps")."""
    return vocabulary.intersection([*words, *(w[:-1] for w in words if w.endswith("s"))])


#: Function words, question words and chat filler: they never decide which entry is meant.
STOPWORDS = _words("""
a about above after again against aint all am an and any anybody anyone anything are arent as at
b be because been before being below between both but by c can cannot cant could couldnt d did didnt
do does doesnt doing dont down during e each else etc even ever every few for from further g
gonna guys had hadnt has hasnt have havent having he hed hello hes hey hi him his how hows i
id ie if ill im in into is isnt it its itself ive just k kinda let lets lol m me might mine
more most must my myself n no nor not now o of off ok okay on once only or other our ours
ourselves out over own p pls plz please q r rn s same shall she should shouldnt so some
somebody someone something such t than thank thanks thanx that thats the their theirs them
themselves then there theres these they theyd theyre this those through thx to too u under
until up ur us v very w wanna was wasnt we well were werent what whats when where wheres
whether which while who whom whos why will with wont would wouldnt x y ya yall yeah yes yet
you youd youll your youre yours yourself yourselves youve z also really actually basically
anyway tho though guess vs versus much many get gets got getting gotten need needs needed
want wants wanted like know knows think stuff thing things lot lots kind sort literally
honestly seriously wat wut idk tbh imo imho ngl bc cuz coz btw fyi asap omg nobody nothing
everyone everybody everything anywhere somewhere nowhere go goes going mean means meaning
wanting needing keen eager willing thoughts however whose vice versa brand
although therefore thus hence furthermore moreover nevertheless nonetheless whereas perhaps indeed
upon various absolutely alright certainly via onto despite among amongst whilst thru
regarding beside besides beyond till unto throughout amid
""")

#: Phrases that say how or when to answer, not what about, so none of their words carries a
#: question: ways of asking for a simple explanation ("explain the critical path in plain
#: English" is not the entry whose own phrasing happens to say "in plain English"), "right
#: now" ("the job market right now" is not "is PM right for me"), "in theory" ("in theory yes, but
#: is it recommended" is not the PMP's motivation theories), "pros and cons" ("the pros and cons of
#: extending the sprint" is about the sprint, not a PM career's pros and cons) and what members call
#: their question ("dumb question": "dumb" is rare in the knowledge and weighed like a subject word).
FILLER_PHRASES: tuple[tuple[str, ...], ...] = (
    ("plain", "english"),
    ("simple", "english"),
    ("simple", "terms"),
    ("layman", "terms"),
    ("laymans", "terms"),
    ("layman", "s", "terms"),
    ("like", "im", "five"),
    ("like", "i", "m", "five"),
    ("eli5",),
    ("right", "now"),
    ("at", "the", "moment"),
    ("in", "theory"),
    ("pros", "and", "cons"),
    ("advantages", "and", "disadvantages"),
    *(
        (how, noun)
        for how in (
            "dumb",
            "stupid",
            "silly",
            "quick",
            "noob",
            "newbie",
            "random",
            "naive",
            "serious",
            "genuine",
        )
        for noun in ("question", "questions")
    ),
)

#: Irregular forms the stemmer would leave apart from their base form (or merge with another word).
IRREGULAR = {
    "paid": "pay",
    "made": "make",
    "took": "take",
    "taken": "take",
    "gave": "give",
    "given": "give",
    "went": "go",
    "gone": "go",
    "knew": "know",
    "known": "know",
    "thought": "think",
    "bought": "buy",
    "spent": "spend",
    "left": "leave",
    "lost": "lose",
    "won": "win",
    "ran": "run",
    "began": "begin",
    "begun": "begin",
    "chose": "choose",
    "chosen": "choose",
    "wrote": "write",
    "written": "write",
    "led": "lead",
    "held": "hold",
    "kept": "keep",
    "met": "meet",
    "sent": "send",
    "told": "tell",
    "felt": "feel",
    "brought": "bring",
    "built": "build",
    "taught": "teach",
    "fought": "fight",
    "sat": "sit",
    "children": "child",
    "men": "man",
    "women": "woman",
    "hrs": "hours",
    "yrs": "years",
    "yr": "year",
    "wks": "weeks",
    "wk": "week",
    "mins": "minutes",
    "min": "minute",
    "uni": "university",
    # the plural of a Latin "-us" noun: Porter takes the singular's final "s" for a plural ending
    # ("status" -> "statu") but not the plural's ("statuses" -> "status"), so the two never met
    "statuses": "status",
    "bonuses": "bonus",
    "focuses": "focus",
    "campuses": "campus",
    "viruses": "virus",
    "syllabuses": "syllabus",
    "syllabi": "syllabus",
    "surpluses": "surplus",
    "buses": "bus",
    # the plural and the adjective of a word kept whole (``KEPT_WHOLE``), British spellings included
    "organizations": "organization",
    "organisations": "organization",
    "organisational": "organizational",
}

#: British spellings the rules in ``american`` cannot derive.
_BRITISH = {
    "centre": "center",
    "centres": "centers",
    "metre": "meter",
    "metres": "meters",
    "theatre": "theater",
    "fibre": "fiber",
    "programme": "program",
    "programmes": "programs",
    "licence": "license",
    "licences": "licenses",
    "defence": "defense",
    "offence": "offense",
    "judgement": "judgment",
    "practise": "practice",
    "practised": "practiced",
    "practises": "practices",
    "practising": "practicing",
    "catalogue": "catalog",
    "dialogue": "dialog",
    "travelled": "traveled",
    "travelling": "traveling",
    "cancelled": "canceled",
    "cancelling": "canceling",
    "modelling": "modeling",
    "modelled": "modeled",
    "labelled": "labeled",
    "labelling": "labeling",
    "counselling": "counseling",
    "enrolment": "enrollment",
    "enrol": "enroll",
    "grey": "gray",
    "cheque": "check",
    "mum": "mom",
}
_OUR = re.compile(r"^(colo|behavio|labo|favo|hono|humo|neighbo|rumo|endeavo|harbo|flavo|vigo|savo)ur")
_ISE = re.compile(r"(?<=\w{3})is(e|es|ed|ing|ation|ations|er|ers)$")
_YSE = re.compile(r"(?<=\w{3})ys(e|es|ed|ing)$")


def american(word: str) -> str:
    """One spelling for British and American forms ("organise" and "organize" meet).

    Applied to entries and questions alike, so the rules only have to be consistent, not
    right: "advise" becoming "advize" merges it with nothing else.
    """
    word = _BRITISH.get(word, word)
    if "our" in word:
        word = _OUR.sub(r"\1r", word)
    if "is" in word:
        word = _ISE.sub(r"iz\1", word)
    if "ys" in word:
        word = _YSE.sub(r"yz\1", word)
    return word


#: Everyday wording that means the same thing in a question. Terms are matched like the
#: knowledge base's own synonym groups.
GENERAL_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("attempts", "attempt", "tries", "try", "tried", "goes at"),
    ("mandatory", "compulsory", "obligatory"),
    # a pass that did not happen is a fail: "not" and "dont" are stop words, so without these
    # "what if I don't pass the PMP" reads as "pass PMP" and finds the entry for those who did
    (
        "fail",
        "fails",
        "failed",
        "failing",
        "didnt pass",
        "did not pass",
        "dont pass",
        "do not pass",
        "not pass",
        "wont pass",
        "not passing",
    ),
    (
        "pass mark",
        "passing score",
        "pass score",
        "passing mark",
        "pass rate",
        "score to pass",
        "cut score",
        "passing grade",
    ),
    ("percent", "percentage", "percentages", "weighting", "weightings", "weights", "breakdown"),
    ("how long", "how much time", "duration", "length", "time limit"),
    ("cost", "costs", "price", "prices", "fee", "fees", "how much is", "how much are"),
    ("start", "begin", "beginning", "kick off", "kickoff", "kicks off", "kicking off"),
    (
        "conflict",
        "conflicts",
        "argue",
        "arguing",
        "argument",
        "arguments",
        "disagree",
        "disagreement",
        "disagreements",
        "fight",
        "fighting",
        "clash",
        "clashing",
        "feud",
    ),
    ("executive", "executives", "exec", "execs", "c-suite", "leadership team", "senior management"),
    ("university", "universities", "college", "colleges"),
    ("confidential", "nda", "ndas", "sanitised", "sanitized", "anonymised", "anonymized"),
    ("dying", "dead", "obsolete", "saturated", "oversaturated"),
    ("old", "older", "age", "aged"),
    ("cheap", "cheaper", "cheapest", "affordable", "inexpensive", "broke", "low cost"),
    ("beginner", "beginners", "newbie", "newbies", "novice", "noob", "newcomer", "total beginner"),
    ("aspiring", "wannabe", "would-be"),
    ("internship", "internships", "intern", "interns"),
    ("code", "coding", "programming", "write code"),
    ("boss", "supervisor", "line manager"),
    (
        "status report",
        "status reports",
        "status update",
        "status updates",
        "progress report",
        "progress update",
        "weekly update",
    ),
)

#: Places, their peoples and languages, and big employers: they say where a question is asked
#: from or about, never what it asks. They are not subject words, so "what's the weather like
#: in the uk", "the capital of germany" or "a job at google" is not answered by the entry about
#: jobs there or Google's certificate, which a question still finds through its other words
#: ("do uk employers want prince2", "is the google certificate worth it"). Microsoft, Oracle
#: and SAP are left out: members name their tools by them.
WHERE_WORDS = _words("""
africa african america american americas asia asian australia australian austria austrian
bangalore bangladesh belgium berlin brazil brazilian britain british california canada canadian
chicago china chinese delhi denmark dubai dutch egypt england english europe european france
french german germany ghana greece hyderabad india indian ireland irish italy italian japan
japanese kenya london malaysia manchester mexico mexican mumbai netherlands nigeria
nigerian norway pakistan philippines poland polish portugal pune qatar quebec russia saudi
scotland singapore spain spanish sweden swedish switzerland sydney texas toronto turkey uae uk
ukraine usa vancouver wales
accenture amazon apple capgemini cognizant deloitte facebook google ibm infosys kpmg meta netflix
pwc tcs wipro
""")

#: Everyday English words (a few hundred of the most frequent nouns, verbs, adjectives and
#: adverbs, function words aside). They may match an entry, but they never show that a
#: question is about this server's subject: "how do I become a nurse" shares "become" with
#: many entries and means none of them. Subject words (project, scrum, pmp...) are not here.
COMMON_WORDS = _words("""
able absolutely accept access according account across act action active actual add advice
afford afraid age ago agree ahead allow almost alone along already alright alternative although
always amazing amount angry animal annoying another answer anymore anywhere apartment apply
area around arrive art article ask asleep attention available average avoid away awesome baby
back bad bank bar base basic beautiful become bed begin behind believe belong benefit best
better big bill bit black blue board body book boring born borrow bother bottom box boy brain
break bring broke brother build bunch business busy buy call calm camera can car card
care careful carry case cat catch cause center certain chance change cheap check child choice
choose city class clean clear close clothes club cold college color come comfortable common
company compare complete completely computer confused consider continue control cook cool
copy correct cost country couple cover crazy create current cut cute daily dark data
date daughter day dead deal dear decide decision deep definitely describe design detail
die different difficult dinner direction dirty discuss doctor dog dollar door double doubt
dream dress drink drive drop dumb early earn easy eat edge effort either email empty end
energy enjoy enough enter entire especially euro event everybody everyday everyone everything
everywhere exact exactly example excellent except excited exciting exercise expect expensive
explain extra eye face fact fail fair fall false family famous fan far fast father fault
favorite fear feel feeling figure file fill final finally find fine finish fire first fit
fix floor fly focus follow food foot force forget form forward free fresh friend front full
fun funny future game garden general girl give glad goal god good great green ground group
grow guy hair half hand handle happen happy hard hate head health hear heart heavy help
here high hit hold holiday home hope horrible hospital hot hour house huge human hungry hurt
husband idea imagine important impossible include increase indeed information inside instead
interest interesting island issue item job join joke jump keep key kid kill kitchen knowledge
lady land language large last late later laugh law lazy lead learn least leave left leg less
lesson letter level lie life light likely line list listen little live local long look lose
loss loud love low luck lucky machine main major make man many market married matter
maybe mean meaning meet member memory mention message middle mind minute miss mistake modern
moment money month morning mother move movie music name nation natural nature near nearly
necessary neck negative neither nervous never new news next nice night nobody noise none normal
nothing notice number obviously offer office often old online open opinion option order
original otherwise outside page pain paper parent park part party pass past pay peace pen
people perfect perhaps period person phone pick picture piece place plant play player
pleasure plenty point police poor popular position positive possible post pound power pretty
price private probably problem produce promise proper protect proud prove public pull
push put quality question quick quickly quiet quite race rain raise random range rather reach read
ready real realize reason receive recent recently recommend red relationship remember rent
reply rest result return rich ride right ring rise road rock room rule run sad safe
sale save say scared school sea season seat second see seem sell send sense
serious service set several shape share shop short shot show shut sick side sign simple since
single sister sit situation size sleep slow small smart smell smile sorry sound space
speak special spend sport spot spring staff stage stand star start state stay step stick stop
store story straight strange street strong student stupid style subject success suddenly
suggest summer sun support suppose sure surprise sweet system table take talk tall taste tax
teach teacher tell terrible text thank thanks therefore thick thin third though
thousand throw ticket tiny tired today together tomorrow tonight top total touch tough town
track train travel tree trip trouble true trust truth try turn type ugly understand unless
upon use useful usual usually value various view visit voice wait wake walk wall war warm
wash watch water weak wear weather website wedding week weekend weird whatever whenever while
white whole wide wife win window winter wish woman wonder wonderful word work world worry
additional amount entire particular simply attend
worse worst worth write wrong year yesterday young son mom mum dad toddler children way ways
provide appreciate advise curious anyone folks kindly concern struggle kind sort respond explanation
clarify clarification involve prefer related viable transition determine reconcile external internal
""")

#: Derived forms that mean something else than the word they stem to: kept whole, so they
#: match only where they are written. "chartered" (a chartered accountant, engineer or
#: professional) is a title, not a form of "charter" (a project charter); "weighting" (how
#: an exam's domains are weighted) is not body "weight"; "utilization" (billable hours over
#: available hours, British "utilisation" included) is not "utilize", which only means "use";
#: an "organization" (a company) is not being "organized" (tidy): both stem to "organ".
KEPT_WHOLE = _words("""
chartered weighting weightings utilization utilizations container containers organization
organizational
""")

#: Words that put a question inside the subject wherever they stand (``bot.search.scope``).
PROJECT_WORDS = _words("""
project projects pm pms pmp capm pmi prince2 apm program programme programs programmes scrum
agile kanban product owner pmo portfolio coordinator coordinators manager managers management ba
""")

#: Words of the coach's subject beyond ``PROJECT_WORDS``: the practice, the people and the career
#: around projects. A message that names other things but none of these, nor any acronym the
#: knowledge writes, gets no menu of near misses (``AnswerEngine.strays_from_the_topic``): such a
#: menu was found through words shared by accident ("file my taxes as a freelancer", a game's
#: "saves" moved to a new "instance"). On the tune sets no answerable question that got a menu
#: lacked all of them.
TOPIC_WORDS = PROJECT_WORDS | _words("""
sprint sprints retro retros retrospective retrospectives standup standups backlog backlogs velocity
story stories epic epics stakeholder stakeholders sponsor sponsors release releases deploy deployment
launch rollout vendor vendors supplier suppliers deadline deadlines milestone milestones scope budget
requirements uat testing qa client clients workshop dev devs developer developers engineer engineers
engineering team teams teammate teammates boss career careers job jobs interview interviews resume cv
salary hired hiring recruiter recruiters certification certifications certificate certificates
certified cert certs exam exams estimate estimates estimating estimation lessons gantt predecessor
predecessors successor successors
""")

#: The words of ``TOPIC_WORDS`` that any working life has: a long post that names only these (a
#: retail worker's boss, a promotion, a job offer) asks about work in general, not the coach's
#: subject, and gets no menu of near misses (``AnswerEngine.strays_from_the_topic``).
WORKING_LIFE_WORDS = _words("""
boss job jobs interview interviews resume cv salary hired hiring recruiter recruiters
team teams teammate teammates manager managers management client clients
""")

#: Programming and system tools: named beside a bare error word, they mark a developer's support
#: request (``bot.search.scope``). Two-word names are in ``scope``.
CODE_TOOLS = _words("""
npm pip nodejs python javascript typescript java react angular django flask vscode docker kubernetes
kubectl git maven gradle webpack php ruby golang powershell linux ubuntu macos mysql postgres
postgresql vba compiler interpreter localhost
""")

#: Numbers written as words: unknown to the knowledge, they say as little as unknown digits.
NUMBER_WORDS = _words("""
zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred
thousand million dozen dozens half
""")

#: Words with an everyday sense beside the one this subject uses, and the words around them
#: that show the other sense: "can't connect to this network" beside "wifi" or "router" is
#: a connection problem, not professional networking; "lose weight" is not an exam's domain
#: weights. When a message holds one of the cues, the words are read as unknown words (they
#: weigh, but match nothing). Base forms, as ``base_word`` gives them ("Wi-Fi" is "wi fi").
OTHER_SENSES: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (
        _words("""
network networks networking networked connect connects connected connecting connection
connections connectivity
"""),
        _words("""
wifi fi wireless router routers modem ethernet laptop laptops adapter bluetooth vpn dns lan
wlan hotspot firewall bios ipconfig dhcp subnet broadband ssid port ports
"""),
    ),
    (
        _words("weight weights"),
        _words("""
lose losing gain gaining diet dieting gym fat calories calorie kg kilo kilos lbs pounds fitness
workout
"""),
    ),
    (  # a website's certificate, not a credential
        _words("""
cert certs certificate certificates certification certifications expire expired expires expiring
expiry expiration renew renewal renewing renewed
"""),
        _words(
            "ssl tls https certbot letsencrypt encrypt openssl x509 pem csr keystore truststore nginx iis"
        ),
    ),
    (  # running, not a timebox
        _words("sprint sprints sprinted sprinting sprinter sprinters"),
        _words("""
meter meters metre metres 100m 200m 400m athletics hamstring hamstrings stride marathon marathons
runner runners jogging olympic olympics
"""),
    ),
    (  # a slow game or connection, not a wait between linked tasks (not "ms": MS Project; not
        # "mods": a server's moderators; not "steam": a project losing steam; not "ping": pinging
        # someone for an update)
        _words("lag lags lagged lagging laggy"),
        _words("""
player players multiplayer game games gaming gamer fps framerate latency stutter stutters
stuttering minecraft roblox gpu graphics modded forge spigot
"""),
    ),
    (  # rugby
        _words("scrum scrums scrummage scrummaging"),
        _words("""
rugby ruck rucks maul lineout hooker loosehead tighthead scrumhalf flanker flankers wallaby
wallabies springbok springboks
"""),
    ),
    (  # food, not the RICE scoring model
        _words("rice"),
        _words("""
cook cooks cooking cooked cooker boil boiled boiling fried fry recipe recipes eat eating dinner
lunch bowl basmati jasmine steamed grain grains pudding
"""),
    ),
    (  # dog agility
        _words("agile agility"),
        _words("dog dogs puppy puppies canine handler weave weaves akc"),
    ),
    (  # a program's exit status, not leaving a job ("code" alone is no cue: "exit PM and go back
        # to code"); the numbers are the shell's and containers' usual exit codes
        _words("exit exits exited exiting"),
        _words("""
docker container containers kubernetes k8s pod pods sigkill sigterm sigsegv oom oomkilled segfault
stderr stdout errorlevel 126 127 130 137 139 143 255
"""),
    ),
    (  # disks, games and the police, not a RAID log
        _words("raid raids raided raiding"),
        _words("""
array arrays nas disk disks ssd ssds hdd hdds controller controllers mirror mirrored mirroring parity
striping striped zfs mdadm guild guilds loot dungeon dungeons police cops warrant
"""),
    ),
    (  # a household's money, not a project's
        _words("budget budgets budgeting contingency forecast forecasting"),
        _words("""
savings wedding household groceries grocery mortgage paycheck paycheque payday christmas
"""),
    ),
    (  # a lender's or a film's credit, not recognition for your work (not "debt": technical debt)
        _words("credit credits credited"),
        _words("""
card cards score scores loan loans mortgage mortgages bank banks lender lenders bureau apr
limit limits interest movie movies film films
"""),
    ),
    (  # a live video or music stream, not a value stream
        _words("stream streams streaming streamed streamer streamers"),
        _words("twitch youtube obs netflix spotify podcast podcasts livestream viewers subscribers"),
    ),
    (  # the numbers in code, not story points' scale
        _words("fibonacci"),
        _words("""
python javascript java recursion recursive recursively algorithm algorithms memoization
memoize leetcode
"""),
    ),
    (  # a school's or a pay scale's grades, not grade vs quality
        _words("grade grades graded grading"),
        _words("""
student students school schools classroom teacher teachers homework gpa semester semesters
pupil pupils salary pay payscale band bands
"""),
    ),
    (  # a software product's plans, not a career's steps (the coach's /roadmap)
        _words("roadmap roadmaps"),
        _words("""
release releases released version versions patch patches changelog repo repository github v1 v2 v3
"""),
    ),
    (  # a computer's power-on self-test and parts, not an exam
        _words("""
test tests tested testing pass passes passed passing fail fails failed failing self start starts
started starting
"""),
        _words("""
motherboard motherboards gpu gpus graphics psu cpu cpus overclock overclocked overclocking bios
ram dimm dimms
"""),
    ),
    (  # the email program, not the job market's outlook
        _words("outlook"),
        _words("""
password passwords email emails inbox mailbox calendar microsoft office 365 o365 exchange sync
crash crashes crashing addin plugin pst
"""),
    ),
    (  # a JavaScript framework, not Pearson VUE's test centres
        _words("vue vuejs"),
        _words("react angular svelte javascript typescript js ts nuxt frontend framework frameworks"),
    ),
    (  # using the Discord app itself, not the communities that meet there
        _words("discord"),
        _words(
            "mute unmute muted nitro ban banned emoji emojis notifications notification pfp avatar nickname"
        ),
    ),
    (  # a builder on a home remodel, not a vendor or a contract PM role. Only the contract words:
        # a career changer's "I ran our kitchen remodel as a project" is still project experience
        _words("contractor contractors contract contracts subcontractor subcontractors"),
        _words("""
kitchen kitchens bathroom bathrooms remodel remodels remodeled remodeling remodelled remodelling
drywall plumbing roofing countertop countertops basement brownstone duplex flooring tiling
"""),
    ),
    (  # a setting or a device switched off, not a disability
        _words("disable disables disabled disabling"),
        _words("""
bios uefi gpu gpus driver drivers firmware antivirus firewall plugin plugins addon addons button
buttons checkbox cache cookies javascript
"""),
    ),
    (  # money invested, not a project's risks
        _words("risk risks risky tolerance"),
        _words("""
stock stocks bond bonds etf etfs crypto bitcoin 401k ira roth dividend dividends brokerage
"""),
    ),
    (  # the one you sleep in, not a schedule's hammock activity
        _words("hammock hammocks"),
        _words("""
camping camp campsite tent tents hiking backpacking strap straps tree trees sleep sleeping stand
stands backyard garden patio beach
"""),
    ),
    (  # a household's or a bonus's discretion, not a dependency's soft logic
        _words("discretionary"),
        _words("spending spend income bonus bonuses trust trusts household households grocery groceries"),
    ),
    (  # a computer's parts, not who controls a dependency
        _words("external internal hard"),
        _words("drive drives ssd ssds hdd hdds usb enclosure gpu gpus"),
    ),
    (  # a holiday deal, not a planning or work package
        _words("package packages"),
        _words(
            "holiday holidays vacation vacations travel trip trips tour tours flight flights hotel resort"
        ),
    ),
    (  # a household's loan or a builder's quote, not a project's funding or estimate
        _words("funding fund funds limit limits estimate estimates estimating rough"),
        _words("""
loan loans mortgage mortgages kitchen kitchens bathroom bathrooms remodel remodeling remodelling
renovation renovations roofing plumbing
"""),
    ),
    (  # an electric motor's phases, not a project's
        _words("phase phases"),
        _words("motor motors voltage wiring electrical electrician inverter"),
    ),
    (  # rent and bills shared out, not apportioned effort
        _words("apportion apportioned apportioning apportionment"),
        _words("rent rents flatmate flatmates roommate roommates housemate housemates bills utilities"),
    ),
)

#: Words that name something of the subject only in one reading, and the words right before
#: or after them that show the everyday one: "is it safe to quit", "keep my data safe", "a safe
#: answer" and "is my job safe" are not the Scaled Agile Framework that "is safe worth it" and
#: "pi planning in safe" name; "customer acquisition" is marketing, not a company bought. There
#: the word is skipped like a function word, unless the message writes it with capitals as a
#: name ("SAFe"). Base forms, as ``base_word`` gives them.
EVERYDAY_NEIGHBOURS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "safe": (
        _words("""
it keep keeps kept keeping stay stays staying feel feels felt feeling play playing not perfectly
totally fairly reasonably relatively pretty quite very so too job jobs career careers data
"""),
        _words("to bet answer answers option options choice choices side space place enough haven harbor"),
    ),
    # winning customers or hiring, not buying a company
    "acquisition": (
        _words("customer customers user users talent lead leads"),
        _words("cost costs channel channels"),
    ),
}

#: The cues above are real words that the knowledge need not use: a member who writes
#: "router", "port" or "container" means that thing, so the parser never corrects one of them
#: to a knowledge word ("router" -> "route") nor reads one as a clipped knowledge word ("port"
#: -> "portfolio"); unknown, they count against the question being in scope.
CUE_WORDS: frozenset[str] = frozenset().union(*(cues for _, cues in OTHER_SENSES))

#: Words with an everyday sense that is still this subject's business, and the words that show
#: it anywhere in the message: "tailor my CV to each job" is the job search, not tailoring a
#: method to a project. There the word is skipped like a function word; read as an unknown word
#: (``OTHER_SENSES``) it weighed against the question as if it were off the subject.
EVERYDAY_WITH: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (_words("tailor tailors tailored tailoring"), _words("resume resumes cv cvs")),
)
