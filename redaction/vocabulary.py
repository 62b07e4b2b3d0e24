"""Word lists the detectors consult. Data only: lower-case, no logic.

They decide two things: which parts of a known name are distinctive enough to
redact on their own (a requester called "Mark Will" must not turn every "will"
into a placeholder), and which words NER must never report as a person.
"""

from __future__ import annotations

# Common English words that are also first names, surnames or company words.
# A name part in this set is only redacted as part of the full name.
COMMON_WORDS = frozenset(
    """
    a about above access account accounts across action active add admin after again against
    age agent ago all allow also always am amber an analytics and angel any app apps april
    are art as ash at august autumn away back bad baker bank banks base be bear bell best
    bill black blue bond both branch brand bridge brown bug build bush but by call can
    capital care case cash chase cherry child clay cliff close cloud code communications
    computing consulting cook core could crane cross crystal dale dash data dawn day deal
    dean deep dell desk dev diamond digital do does dot down drew dusty dynamics each east
    easy edge eight else end energy engineering english enterprise enterprises even ever
    faith fall field file financial find fine first fish five flower ford forest four fox
    frank free friday from front frost gale game gate gay get glass glen global go gold
    golden good grace grand grant gray great green grey group guy hall happy hardy harmony
    has have he head health heart help her here high hill him his holdings holiday holly
    home hood hope host house how hunter i if in industries insurance international is it
    its ivy jack jay joy july june just key king labs lake land lane last law left less let
    light like lily line link list little live log logistics long look lord love low main
    major make management march mark marsh master may me media miles mill mint mode monday
    more moss most much must my name network networks new next nice night no north not now
    of off on one only open or other our out over page park partners pass patch path peace
    pearl penny person pike pine plain platform platforms play point pool port post power
    price pride prince pro queen quick rain ray read real reed research resources rich ridge
    right ring river road rock rose rule run rush sage sale salt same sand saturday say sea
    security see self services set shadow shall sharp she ship short should show side silver
    sky small smart snow so software solutions some south spark spring start state steel
    still stone storm story street strong studio studios such summer sun sunday sunny swift
    system systems table take team tech technologies technology tell than that the their
    them then there these they this thursday time to today top tower true tuesday two under
    up us use user ventures very view wade wall ward was water way we web wednesday well
    west what when where which while white who why wild will win winter with wolf wood woods
    works would yes you young your
    airlines airways automotive biotech chemicals construction electric electronics entertainment finance
    foods freight games gaming healthcare hospitality hotels manufacturing medical motors pharma
    pharmaceuticals properties realty retail shipping telecom toys traders trading transport utilities
    """.split()
)

# Legal forms and joiners that are never distinctive in an organization's name.
ORG_SUFFIXES = frozenset(
    """
    ab ag as bv co company corp corporation gmbh group inc incorporated kg limited llc llp
    lp ltd nv oy plc pty pvt sa sarl sas spa srl the and of
    """.split()
)

# Corporate endings that make a capitalized phrase an organization on their own.
CORPORATE_ENDINGS = (
    "Inc", "Inc.", "LLC", "L.L.C.", "Ltd", "Ltd.", "Limited", "GmbH", "Corp", "Corp.",
    "Corporation", "PLC", "plc", "AG", "S.A.", "SA", "B.V.", "BV", "N.V.", "NV", "Pty",
    "LLP", "Co.", "Holdings", "Group",
)

# Words NER puts into a person span that are never part of a name: greetings, sign-offs,
# job titles and signature labels, and the headers of command output the small model
# mistakes for names ("Filesystem Size", "Namespace").
NOT_NAME_WORDS = frozenset(
    """
    hi hello hey dear thanks thank cheers regards best greetings team folks all everyone i'm i’m i've i’ve i'll i’ll i'd i’d
    btw pls plz thx tx tnx hmm hm um uh ah oh ugh imo imho afaik iirc tbh fwiw lol np kk yep yup nope yeah
    mr mrs ms dr sir madam mx prof dott sig sigra herr frau mme mlle cc bcc fyi re fw fwd ps attn per via from to and or
    kind warm many sincerely yours morning afternoon evening the a an our your their
    customer customers engineer engineers engineering platform support manager lead director
    developer developers devex devops sre ops infrastructure infra release build senior staff
    principal head vp cto ceo cio ciso founder architect administrator analyst consultant
    specialist owner success account executive intern contractor tel phone mobile fax email
    e-mail web address office direct cell
    filesystem size used avail available use mounted namespace name status ready restarts age
    node nodes cluster version type image container containers volume volumes capacity
    diff commit merge branch tag tags repository repositories query search result results
    unindexed indexed index unknown total count error errors warning warnings request response
    versions systems logs events environment details configuration settings output steps summary
    update updates workaround resolution cause fix
    """.split()
)

# Nouns that follow a product's name ("Oracle Cloud", "Rocky Linux", "Jasmine Core", "Victor Ops"):
# a span with one of them is a product, never a person.
PRODUCT_WORDS = frozenset(
    """
    actions agent agents api app apps bridge cache cli client cloud cluster community connect connector
    console controller core dashboard database db desktop driver edition engine enterprise extension
    extensions framework gateway gems hub lab labs linux manager operator ops os pipeline pipelines platform
    plugin plugins portal pro proxy registry runner runtime sdk server service services stack storage store
    stream streams studio suite toolkit workflow workflows workspace
    """.split()
)

# Where a word no lexicon knows stands as a tool, not a person: before one of these nouns
# ("Kyverno policies", "the Hasura integration", "Talos nodes"), or after one of these verbs
# ("uses Codefresh", "behind Pomerium"). Names stand there rarely; tools in every ticket.
TOOL_NOUNS = PRODUCT_WORDS | frozenset(
    """
    policy policies node nodes integration integrations volume volumes shard shards build builds
    instance instances deployment deployments config configs configuration job jobs container containers
    image images webhook webhooks token tokens repo repos repository repositories backup backups sync
    pod pods namespace namespaces chart charts module modules package packages library libraries
    logs metrics index indexes indexer provider providers tenant tenants endpoint endpoints bucket buckets
    secret secrets certificate certificates cert certs installation migration setup sidecar daemon
    binary binaries command commands flag flags setting settings schema query queries dashboards
    readme docs documentation translation ci cd vm vms
    """.split()
)
TOOL_VERBS = frozenset(
    """
    use uses used using run runs ran running install installs installed installing deploy deploys
    deployed deploying upgrade upgrades upgraded upgrading configure configures configured configuring
    enable enables enabled enabling disable disables disabled disabling integrate integrates integrated
    behind via
    """.split()
)

# Technical words the small English model tends to tag as PERSON or ORG.
TECH_WORDS = frozenset(
    """
    api aws azure bazel blobstore cadvisor chrome cli codeintel cody config configmap
    cron daemonset debian deployment dns docker dockerfile elasticsearch envoy error
    executor executors firefox frontend gcp gcs git gitaly github gitlab gitserver go
    golang gradle grafana graphql grpc helm http https ingress istio java javascript jvm
    kotlin kubectl kubernetes kustomize ldap linux macos maven minio nginx node npm oauth
    oidc okta openid openshift otel pgsql pod pods postgres postgresql precise prometheus
    python redis repo repos ruby rust saml scip searcher secret server sidecar slack sql
    sqlite ssh ssl statefulset svc symbols syntect terraform tls typescript ubuntu ui url
    vault webhook windows worker yaml yarn zoekt zendesk jaeger jira safari sourcegraph
    admin site info debug warn warning fatal panic trace null true false none json
    jenkins artifactory nexus sonarqube circleci buildkite teamcity bamboo confluence datadog
    splunk sentry pagerduty opsgenie honeycomb newrelic dynatrace kibana logstash fluentd loki
    tempo argo argocd flux rancher eks gke aks nomad consul traefik haproxy caddy apache tomcat
    jetty kafka rabbitmq zookeeper cassandra mongodb mysql mariadb snowflake databricks airflow
    spark hadoop trino presto centos rhel fedora alpine sonoma ventura monterey sequoia catalina
    mojave bitbucket gerrit perforce phabricator azure entra keycloak auth0 onelogin pingfederate
    cloudflare akamai fastly vercel netlify heroku
    django flask mocha jest elixir scala haskell perl ember angular vue svelte deno vite loki mimir thanos
    cortex gitea gogs forgejo podman buildah kaniko calico cilium linkerd pulumi ansible puppet vagrant oracle
    mongo celery spinnaker tekton
    """.split()
)

# Local parts of addresses that name a role, not a person.
GENERIC_MAILBOXES = frozenset(
    """
    admin administrator alerts billing contact devops dev engineering help helpdesk hello
    info it mail noc noreply no-reply notifications ops postmaster root sales security
    support sysadmin team webmaster git
    """.split()
)

# Mail providers shared by everyone: their domain says nothing about the customer.
FREEMAIL_DOMAINS = frozenset(
    """
    gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com ymail.com
    icloud.com me.com mac.com aol.com proton.me protonmail.com gmx.com gmx.de mail.com
    zoho.com fastmail.com yandex.com qq.com 163.com
    """.split()
)

# Greetings, thanks and closing formulas of the languages tickets arrive in (de, fr, es, it, nl, pl, pt,
# sv, da, cs, hr), written here from each language's ordinary letter and chat conventions: the words that
# open or close a message, never a name. Multi-word formulas are listed word by word.
FOREIGN_FORMULAS = frozenset(
    """
    hallo moin servus guten morgen tag abend danke dankeschön vielen dank bitte grüße gruß grüsse gruss
    liebe lieber sehr geehrte geehrter freundlichen beste herzliche viele leider
    bonjour bonsoir salut merci beaucoup cordialement bien amicalement sincères salutations madame monsieur
    hola buenos buenas días tardes noches gracias muchas saludos atentamente cordiales estimado estimada
    ciao buongiorno buonasera grazie mille saluti cordiali distinti gentile egregio
    hoi hallo goedemorgen goedemiddag dank bedankt groeten vriendelijke hartelijke beste geachte
    cześć dzień dobry dziękuję dzięki pozdrawiam pozdrowienia serdecznie szanowny szanowna witam
    olá oi bom dia boa tarde noite obrigado obrigada abraços cumprimentos atenciosamente prezado prezada
    hej hejsa tack hälsningar vänliga mvh med venlig hilsen tak
    ahoj dobrý den děkuji díky zdravím pozdravem
    bok pozdrav hvala lijep poštovani srdačan
    """.split()
)
