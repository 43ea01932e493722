#!/usr/bin/env bash
# Prepares an empty Google Cloud project for autorunner; `gcloud builds submit` (printed at the end)
# then builds and deploys both services. Re-runnable: everything is looked up before it is created,
# so a second run changes nothing. It never prints the webhook secret (terminal scroll-back and CI
# logs outlive it): it prints the command that reads it.
#
#   deploy/setup.sh PROJECT_ID [GITHUB_APP_PRIVATE_KEY.pem]
#   deploy/setup.sh app PROJECT_ID ORGANIZATION
#
# `app` registers the GitHub App first, in one step (GitHub's manifest flow, from the handler's jar:
# a page on 127.0.0.1 whose button sends the App's manifest to GitHub), and stores its key, webhook
# secret and id in Secret Manager; then the first form needs no key file. GITHUB_URL and
# GITHUB_API_URL (https://github.com, https://api.github.com) point it at GitHub Enterprise Server.
# The key file is needed on the first run (it becomes a Secret Manager secret); given again with
# other content, it is stored as the secret's new version (key rotation).
# Environment: REGION (us-central1), REPOSITORY (autorunner), QUEUE (autorunner),
# STORE_LOCATION (REGION: where the handler's Firestore database lives; fixed once created),
# NAME_PREFIX (ghr: autorunner.naming.prefix of both services, which the handler's IAM condition
# names), RUNNER_NETWORK and RUNNER_SUBNET (unset: this script creates and owns the VPC
# autorunner-runners; set: an existing network and a subnet of it in REGION that you manage,
# including its egress), RUNNER_SUBNET_RANGE (10.64.0.0/20, for the network this script creates).
#
# Who may do what (README, "Who may do what", has the same as a table):
#   scheduler  enqueue on the queue; act as the invoker; read the webhook secret
#   invoker    run.invoker on the handler service (cloudbuild.yaml)
#   handler    the custom roles below; act as the runner account; read the App key
#   runner     nothing in the project; run.invoker on the handler service (cloudbuild.yaml)
#   deployer   run.admin on the two services only; act as the two runtime accounts; push images
#   baker      the bake VMs (autorunner-bake-*) and the images made from them (cloudbuild-bake.yaml)
#
# Needs gcloud, logged in as someone who may administer the project (owner), and openssl.
set -euo pipefail

if [ "${1:-}" = app ]; then
  if [ $# -ne 3 ]; then
    echo "usage: deploy/setup.sh app PROJECT_ID ORGANIZATION" >&2
    exit 2
  fi
  root=$(cd "$(dirname "$0")/.." && pwd)
  jar=$root/handler-service/target/handler-service.jar
  if [ ! -f "$jar" ]; then
    (cd "$root" && ./mvnw -B -q -pl common,handler-service -am package -DskipTests)
  fi
  gcloud services enable secretmanager.googleapis.com --project="$2"
  project_number=$(gcloud projects describe "$2" --format='value(projectNumber)')
  # The scheduler's URL is known before it is deployed: Cloud Run's deterministic run.app name.
  exec java -jar "$jar" setup-app --project="$2" --org="$3" \
    --webhook-url="https://autorunner-scheduler-$project_number.${REGION:-us-central1}.run.app/webhook" \
    --github-url="${GITHUB_URL:-https://github.com}" --api-url="${GITHUB_API_URL:-https://api.github.com}"
fi

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: deploy/setup.sh PROJECT_ID [GITHUB_APP_PRIVATE_KEY.pem]" >&2
  exit 2
fi
project=$1
key_file=${2:-}
region=${REGION:-us-central1}
repository=${REPOSITORY:-autorunner}
queue=${QUEUE:-autorunner}
store_location=${STORE_LOCATION:-$region}
name_prefix=${NAME_PREFIX:-ghr}
if ! [[ "$name_prefix" =~ ^[a-z][a-z0-9]{0,9}$ ]]; then
  echo "NAME_PREFIX must be 1-10 lower-case letters or digits, starting with a letter" >&2
  exit 2
fi
if [ -n "${VM_SERVICE_ACCOUNT:-}" ]; then
  echo "VM_SERVICE_ACCOUNT is ignored: runner VMs always run as the role-less autorunner-runner" >&2
fi
# Ours unless named: the network this script creates, owns and keeps closed.
own_network=yes
[ -n "${RUNNER_NETWORK:-}" ] && own_network=no
runner_network=${RUNNER_NETWORK:-autorunner-runners}
runner_subnet=${RUNNER_SUBNET:-$runner_network}
runner_subnet_range=${RUNNER_SUBNET_RANGE:-10.64.0.0/20}
runner_router=autorunner-runners
runner_nat=autorunner-runners
runner_firewall=autorunner-runners-deny-ingress

webhook_secret=autorunner-webhook-secret
app_key_secret=autorunner-github-app-key
reconcile_job=autorunner-reconcile
scheduler_service=autorunner-scheduler
handler_service=autorunner-handler
# Stands in for both services until the first build deploys them, so the deployer can be given
# roles on the two services alone (a binding needs its resource to exist). Google's sample image.
placeholder_image=us-docker.pkg.dev/cloudrun/container/hello
# The handler's shared state: autorunner.store.database and the ledger's kind and expiry field.
store_database=autorunner
ledger_kind=JobReplacements
ledger_ttl_field=expireAt
# Where capacity was out lately, noted by every handler instance (autorunner.gce.stockout-memory).
notes_kind=CapacityNote
# Job VMs being made, which a warm pool's refill waits for rather than booting one of its own.
pending_kind=PendingCreate
sa_domain=$project.iam.gserviceaccount.com
scheduler_sa=autorunner-scheduler@$sa_domain
handler_sa=autorunner-handler@$sa_domain
invoker_sa=autorunner-invoker@$sa_domain
deployer_sa=autorunner-deployer@$sa_domain
runner_sa=autorunner-runner@$sa_domain
baker_sa=autorunner-baker@$sa_domain

say() { printf '== %s\n' "$*"; }

# Whether `gcloud ARGS… describe` finds the resource (its output is not needed).
exists() { gcloud "$@" > /dev/null 2>&1; }

# bind ROLE MEMBER TITLE EXPRESSION "COMMAND GROUP" RESOURCE [FLAGS…]: adds the binding, with the
# condition TITLE/EXPRESSION unless TITLE is empty, unless the resource's policy has it already.
bind() {
  local role=$1 member=$2 title=$3 expression=$4 group resource=$6 policy condition=()
  read -ra group <<< "$5"
  shift 6
  if [ -n "$title" ]; then
    # gcloud splits --condition at commas: the expressions here have none.
    condition=(--condition="expression=$expression,title=$title")
  elif [ "${group[*]}" = projects ]; then
    # Once the project's policy holds a conditional binding, gcloud adds an unconditioned one only
    # when told so explicitly.
    condition=(--condition=None)
  fi
  policy=$(gcloud "${group[@]}" get-iam-policy "$resource" "$@" \
    --flatten='bindings[].members' \
    --format='csv[no-heading](bindings.role,bindings.members,bindings.condition.title)')
  if grep -qxF "$role,$member,$title" <<< "$policy" \
    || { [ -z "$title" ] && grep -qxF "$role,$member" <<< "$policy"; }; then
    return
  fi
  # A service account created a moment ago may not be visible to IAM yet: try again a few times.
  local attempt
  for attempt in 1 2 3 4 5; do
    if gcloud "${group[@]}" add-iam-policy-binding "$resource" "$@" \
      --role="$role" --member="$member" ${condition[@]+"${condition[@]}"} --quiet > /dev/null; then
      echo "   granted $role on $resource to $member${title:+ (if $title)}"
      return
    fi
    echo "   granting $role to $member failed (attempt $attempt), retrying" >&2
    sleep "${GRANT_RETRY_SECONDS:-10}"
  done
  return 1
}

# grant ROLE MEMBER "COMMAND GROUP" RESOURCE [FLAGS…]: an unconditioned binding.
grant() {
  local role=$1 member=$2
  shift 2
  bind "$role" "$member" "" "" "$@"
}

# revoke ROLE MEMBER: removes an unconditioned project binding that an earlier version of this
# script made (broader than what replaced it), if it is there.
revoke() {
  local policy
  policy=$(gcloud projects get-iam-policy "$project" --flatten='bindings[].members' \
    --format='csv[no-heading](bindings.role,bindings.members,bindings.condition.title)')
  if grep -qxF -e "$1,$2," -e "$1,$2" <<< "$policy"; then
    gcloud projects remove-iam-policy-binding "$project" --role="$1" --member="$2" \
      --condition=None --quiet > /dev/null
    echo "   revoked $1 from $2 (replaced by narrower roles)"
  fi
}

# service_account NAME DESCRIPTION
service_account() {
  if ! exists iam service-accounts describe "$1@$sa_domain" --project="$project"; then
    gcloud iam service-accounts create "$1" --display-name="$2" --project="$project"
  fi
}

# custom_role ID TITLE PERMISSION…: creates the project's custom role, or sets its permissions to
# exactly these when they differ. A role deleted in the last 7 days keeps its ID: it is undeleted.
custom_role() {
  local id=$1 title=$2 current wanted
  shift 2
  wanted=$(IFS=,; echo "$*")
  if ! current=$(gcloud iam roles describe "$id" --project="$project" \
    --format='value(includedPermissions)' 2> /dev/null); then
    gcloud iam roles create "$id" --project="$project" --title="$title" --stage=GA \
      --permissions="$wanted" --quiet > /dev/null
    echo "   created role $id"
    return
  fi
  if [ "$(gcloud iam roles describe "$id" --project="$project" --format='value(deleted)')" = True ]
  then
    gcloud iam roles undelete "$id" --project="$project" --quiet > /dev/null
    echo "   undeleted role $id"
  fi
  if [ "$(tr ';' '\n' <<< "$current" | sort)" != "$(printf '%s\n' "$@" | sort)" ]; then
    gcloud iam roles update "$id" --project="$project" --title="$title" --stage=GA \
      --permissions="$wanted" --quiet > /dev/null
    echo "   updated role $id"
  fi
}

say "APIs"
apis=(run.googleapis.com cloudtasks.googleapis.com compute.googleapis.com
  secretmanager.googleapis.com cloudscheduler.googleapis.com artifactregistry.googleapis.com
  cloudbuild.googleapis.com iam.googleapis.com firestore.googleapis.com datastore.googleapis.com
  logging.googleapis.com monitoring.googleapis.com)
enabled=$(gcloud services list --enabled --project="$project" --format='value(config.name)')
missing=()
for api in "${apis[@]}"; do
  grep -qxF "$api" <<< "$enabled" || missing+=("$api")
done
if [ ${#missing[@]} -gt 0 ]; then
  gcloud services enable "${missing[@]}" --project="$project"
fi
project_number=$(gcloud projects describe "$project" --format='value(projectNumber)')
# Cloud Run's deterministic URLs: known before the first deployment, so the scheduler, the
# reconcile job and the handler's audience check can all name the handler from the start.
handler_url=https://$handler_service-$project_number.$region.run.app
scheduler_url=https://$scheduler_service-$project_number.$region.run.app

say "service accounts (least privilege)"
service_account autorunner-scheduler "autorunner scheduler: enqueues tasks"
service_account autorunner-invoker "autorunner invoker: the identity tasks call the handler with"
service_account autorunner-handler "autorunner handler: manages runner VMs"
service_account autorunner-deployer "autorunner deployer: Cloud Build's identity"
# No role anywhere in the project: a job can read this account's token from the metadata server,
# and all it opens is the handler's runner-config endpoint (run.invoker there, in cloudbuild.yaml),
# where the handler checks the token's instance claims. Without any account a VM has no identity
# token to show the handler at all.
service_account autorunner-runner "autorunner runner VMs: no roles; may only call the handler"
service_account autorunner-baker "autorunner baker: cloudbuild-bake.yaml's identity"
# The scheduler puts the invoker's identity on each task: it must be allowed to act as it.
grant roles/iam.serviceAccountUser "serviceAccount:$scheduler_sa" \
  "iam service-accounts" "$invoker_sa" --project="$project"
# The handler attaches the runner account to each VM: it may act as that one account only.
grant roles/iam.serviceAccountUser "serviceAccount:$handler_sa" \
  "iam service-accounts" "$runner_sa" --project="$project"

say "runner network $runner_network"
if [ "$own_network" = yes ]; then
  # A VPC of the runners' own: custom mode (no subnet in every region), one subnet in the region.
  # Private Google Access is how VMs without external IPs reach the handler, which only takes
  # internal traffic (see cloudbuild.yaml); Cloud NAT is their only way out to GitHub and the
  # package mirrors; nothing gets in: a new VPC has no allow rule, and the explicit deny below
  # says so above the implied one.
  if ! exists compute networks describe "$runner_network" --project="$project"; then
    gcloud compute networks create "$runner_network" --subnet-mode=custom --project="$project"
  fi
  if ! exists compute networks subnets describe "$runner_subnet" --region="$region" \
    --project="$project"; then
    gcloud compute networks subnets create "$runner_subnet" --network="$runner_network" \
      --region="$region" --range="$runner_subnet_range" --enable-private-ip-google-access \
      --project="$project"
  fi
  if ! exists compute firewall-rules describe "$runner_firewall" --project="$project"; then
    gcloud compute firewall-rules create "$runner_firewall" --network="$runner_network" \
      --direction=INGRESS --action=DENY --rules=all --source-ranges=0.0.0.0/0 \
      --priority=65534 --project="$project"
  fi
  if ! exists compute routers describe "$runner_router" --region="$region" --project="$project"; then
    gcloud compute routers create "$runner_router" --network="$runner_network" \
      --region="$region" --project="$project"
  fi
  if ! exists compute routers nats describe "$runner_nat" --router="$runner_router" \
    --region="$region" --project="$project"; then
    gcloud compute routers nats create "$runner_nat" --router="$runner_router" \
      --region="$region" --auto-allocate-nat-external-ips \
      --nat-custom-subnet-ip-ranges="$runner_subnet" --project="$project"
  fi
else
  # Yours: nothing is created in it (a deny rule could shadow your allow rules of the same
  # priority, a second NAT for the subnet would fail); the VMs get no external IP, so its egress
  # (Cloud NAT) is yours to provide.
  if ! exists compute networks describe "$runner_network" --project="$project"; then
    echo "RUNNER_NETWORK=$runner_network does not exist in $project" >&2
    exit 2
  fi
  if ! exists compute networks subnets describe "$runner_subnet" --region="$region" \
    --project="$project"; then
    echo "RUNNER_SUBNET=$runner_subnet does not exist in $region" >&2
    exit 2
  fi
fi
# Without it the VMs cannot reach the internal-only handler for their runner config.
google_access=$(gcloud compute networks subnets describe "$runner_subnet" --region="$region" \
  --project="$project" --format='value(privateIpGoogleAccess)')
if [ "$google_access" != True ]; then
  gcloud compute networks subnets update "$runner_subnet" --region="$region" \
    --enable-private-ip-google-access --project="$project"
fi

say "the handler's roles"
# What the handler calls (handler/vm/gce, handler/ledger/datastore) and what Compute Engine checks
# for it (https://cloud.google.com/compute/docs/access/create-enable-service-accounts-for-instances,
# "Required permissions"):
#   instances.insert of a VM with a boot disk from an image, metadata, labels, the runner service
#     account and no external IP: compute.instances.create, compute.disks.create,
#     compute.instances.setMetadata, compute.instances.setLabels, compute.instances.setServiceAccount,
#     compute.subnetworks.use, and compute.images.useReadOnly for an image of this project (an
#     image alias; Google's public image projects grant that to every authenticated user). GPUs
#     (guestAccelerators) and Spot scheduling need no permission of their own. No
#     compute.subnetworks.useExternalIp: the VMs get none. No compute.networks.use: that is for
#     legacy networks only.
#   instances.delete: compute.instances.delete. instances.get: compute.instances.get, for the
#     runner-config endpoint's look-up of the calling VM.
#   instances.aggregatedList (find, list; instances.list likewise): compute.instances.list.
#   zoneOperations.get (the client polls insert and delete with it), zoneOperations.list
#     (preemptions): compute.zoneOperations.get, compute.zoneOperations.list.
#   images.get and images.getFromFamily: at start the handler reads its boot images' bake label
#     (the runner release baked in) to warn when it is behind its own: compute.images.get,
#     compute.images.getFromFamily.
#   regionInstances.bulkInsert (one VM asked of a region's open zones at once): the insert's own
#     permissions above, regionOperations.get to poll it (compute.regionOperations.get) and
#     regions.get for the region's zones its location policy denies (compute.regions.get).
#   Datastore lookup and commit (upsert) in a transaction, and the capacity notes' lookup and
#     upsert outside one: datastore.entities.get, datastore.entities.create,
#     datastore.entities.update, and datastore.databases.get (begin or roll back a transaction). No delete, list or query: expireAt's TTL policy removes entries.
# Two roles, because IAM conditions on a resource name only bind what Compute Engine checks on an
# instance or disk (https://cloud.google.com/iam/docs/configuring-resource-based-access: "grant
# access ... for resources whose resource names match a prefix, such as Compute Engine virtual
# machine (VM) instances whose names start with a certain string"):
#   autorunnerHandler: the calls on one VM, bound if the VM (or its boot disk, named after it) is
#     one of ours: Linux names start with PREFIX-, Windows ones with PREFIX's first four letters and
#     a w (common's InstanceNaming). Other resource types pass the condition: Google documents
#     compute.instances.create and compute.disks.create as checked on the project, which carries
#     no instance name, so creation may well be unconditioned in effect; what the condition surely
#     holds is get, delete, setMetadata, setLabels and setServiceAccount on an existing VM: the
#     handler cannot read, stop or re-purpose any other VM of the project.
#   autorunnerHandlerProject: what is checked on the project, the subnet, an image or the database,
#     never on a VM, and so cannot be conditioned on a VM's name: list and aggregatedList
#     (compute.instances.list), zone and region operations, regions.get, subnetworks.use,
#     images.get, getFromFamily and useReadOnly, Datastore.
vm_permissions=(compute.disks.create compute.instances.create compute.instances.delete
  compute.instances.get compute.instances.setLabels compute.instances.setMetadata
  compute.instances.setServiceAccount)
project_permissions=(compute.images.get compute.images.getFromFamily compute.images.useReadOnly
  compute.instances.list compute.regionOperations.get
  compute.regions.get compute.subnetworks.use compute.zoneOperations.get
  compute.zoneOperations.list datastore.databases.get
  datastore.entities.create datastore.entities.get datastore.entities.update)
custom_role autorunnerHandler "autorunner handler: runner VMs" "${vm_permissions[@]}"
custom_role autorunnerHandlerProject "autorunner handler: listing, operations, network, ledger" \
  "${project_permissions[@]}"
vm_condition='(resource.type != "compute.googleapis.com/Instance"'
vm_condition+=' && resource.type != "compute.googleapis.com/Disk")'
for name_start in "$name_prefix-" "${name_prefix:0:4}w"; do
  vm_condition+=" || resource.name.extract(\"/instances/{name}\").startsWith(\"$name_start\")"
  vm_condition+=" || resource.name.extract(\"/disks/{name}\").startsWith(\"$name_start\")"
done
bind "projects/$project/roles/autorunnerHandler" "serviceAccount:$handler_sa" \
  "autorunner-vms-$name_prefix" "$vm_condition" projects "$project"
grant "projects/$project/roles/autorunnerHandlerProject" "serviceAccount:$handler_sa" \
  projects "$project"
# What earlier versions granted instead: far more (every VM and disk of the project; entity
# deletes and queries).
revoke roles/compute.instanceAdmin.v1 "serviceAccount:$handler_sa"
revoke roles/datastore.user "serviceAccount:$handler_sa"

say "Artifact Registry repository $repository"
if ! exists artifacts repositories describe "$repository" --location="$region" --project="$project"; then
  gcloud artifacts repositories create "$repository" --repository-format=docker \
    --location="$region" --description="autorunner images" --project="$project"
fi
grant roles/artifactregistry.writer "serviceAccount:$deployer_sa" \
  "artifacts repositories" "$repository" --location="$region" --project="$project"
# `gcloud builds submit` uploads the source here; the deployer reads it from this bucket only.
source_bucket=gs://${project}_cloudbuild
if ! exists storage buckets describe "$source_bucket" --project="$project"; then
  gcloud storage buckets create "$source_bucket" --location="$region" \
    --uniform-bucket-level-access --project="$project"
fi
grant roles/storage.objectViewer "serviceAccount:$deployer_sa" \
  "storage buckets" "$source_bucket" --project="$project"

say "Cloud Run services (the deployer's only Cloud Run rights are on these two)"
# Created once with a placeholder, so that the deployer's roles can be bound to each service
# instead of the project: Cloud Run roles "can be granted ... on an entire project or on
# individual services" (https://cloud.google.com/run/docs/reference/iam/roles), and a service
# must exist to carry a binding. run.admin, not run.developer: cloudbuild.yaml sets the services'
# IAM policies (the invokers on the handler, allUsers on the public scheduler), which needs
# run.services.setIamPolicy. The placeholder takes no traffic that matters: the handler's is
# internal and IAM-only from the start, the scheduler's is IAM-only until the first build.
if ! exists run services describe "$handler_service" --region="$region" --project="$project"; then
  gcloud run deploy "$handler_service" --image="$placeholder_image" --region="$region" \
    --service-account="$handler_sa" --no-allow-unauthenticated --ingress=internal \
    --project="$project" --quiet
fi
if ! exists run services describe "$scheduler_service" --region="$region" --project="$project"; then
  gcloud run deploy "$scheduler_service" --image="$placeholder_image" --region="$region" \
    --service-account="$scheduler_sa" --no-allow-unauthenticated --project="$project" --quiet
fi
for service in "$handler_service" "$scheduler_service"; do
  grant roles/run.admin "serviceAccount:$deployer_sa" \
    "run services" "$service" --region="$region" --project="$project"
done
# A service's new revision runs as its runtime account: the deployer may act as those two only.
grant roles/iam.serviceAccountUser "serviceAccount:$deployer_sa" \
  "iam service-accounts" "$scheduler_sa" --project="$project"
grant roles/iam.serviceAccountUser "serviceAccount:$deployer_sa" \
  "iam service-accounts" "$handler_sa" --project="$project"
# Builds with their own service account must write their logs themselves (CLOUD_LOGGING_ONLY).
grant roles/logging.logWriter "serviceAccount:$deployer_sa" projects "$project"
revoke roles/run.admin "serviceAccount:$deployer_sa"

say "image baker (cloudbuild-bake.yaml)"
# The bake's temporary VM and its disk are named autorunner-bake-KIND-ID (deploy/bake-image.sh):
# the VM and disk calls are bound to those names, as the handler's are to its own (see above);
# what is checked on the project, the subnet, an image or an operation cannot be. The VM runs
# without a service account, so the baker may act as none. Its build reads the uploaded source
# and writes its own logs.
#   autorunnerBaker: create the VM (with metadata, labels and a boot disk from the base image),
#     read its guest attributes and serial console, stop and delete it, make an image of its disk.
#   autorunnerBakerProject: read the base image (by family) and write the new one, use the
#     subnet, follow zone and global operations.
baker_vm_permissions=(compute.disks.create compute.disks.useReadOnly compute.instances.create
  compute.instances.delete compute.instances.get compute.instances.getGuestAttributes
  compute.instances.getSerialPortOutput compute.instances.setLabels compute.instances.setMetadata
  compute.instances.stop)
baker_project_permissions=(compute.globalOperations.get compute.images.create compute.images.get
  compute.images.getFromFamily compute.images.useReadOnly compute.subnetworks.use
  compute.zoneOperations.get)
custom_role autorunnerBaker "autorunner baker: bake VMs" "${baker_vm_permissions[@]}"
custom_role autorunnerBakerProject "autorunner baker: images, network, operations" \
  "${baker_project_permissions[@]}"
bake_condition='(resource.type != "compute.googleapis.com/Instance"'
bake_condition+=' && resource.type != "compute.googleapis.com/Disk")'
bake_condition+=' || resource.name.extract("/instances/{name}").startsWith("autorunner-bake-")'
bake_condition+=' || resource.name.extract("/disks/{name}").startsWith("autorunner-bake-")'
bind "projects/$project/roles/autorunnerBaker" "serviceAccount:$baker_sa" \
  autorunner-bake-vms "$bake_condition" projects "$project"
grant "projects/$project/roles/autorunnerBakerProject" "serviceAccount:$baker_sa" \
  projects "$project"
grant roles/logging.logWriter "serviceAccount:$baker_sa" projects "$project"
grant roles/storage.objectViewer "serviceAccount:$baker_sa" \
  "storage buckets" "$source_bucket" --project="$project"

say "Cloud Tasks queue $queue"
# Retries carry the invariant "no job is stranded": a stock-out or a GitHub 5xx answers non-2xx
# and the task comes back, 10 s, 20 s, … doubling 5 times, then every 5 min, for up to 30
# attempts (about 2 hours) before Cloud Tasks gives up; the reconciler cleans what is left.
# At most 10 VM inserts run at once, which also bounds the handler's Cloud Run instances.
if ! exists tasks queues describe "$queue" --location="$region" --project="$project"; then
  gcloud tasks queues create "$queue" --location="$region" --project="$project" \
    --max-attempts=30 --min-backoff=10s --max-backoff=300s --max-doublings=5 \
    --max-concurrent-dispatches=10 --max-dispatches-per-second=5
fi
grant roles/cloudtasks.enqueuer "serviceAccount:$scheduler_sa" \
  "tasks queues" "$queue" --location="$region" --project="$project"

say "Firestore database $store_database (Datastore mode)"
# What every handler instance must share and what must survive their restarts (how many
# replacement VMs each job has had, and their names) lives here, not in one instance's memory.
if ! exists firestore databases describe --database="$store_database" --project="$project"; then
  gcloud firestore databases create --database="$store_database" --location="$store_location" \
    --type=datastore-mode --project="$project"
fi
# Each job's entity carries expireAt (a week after its last change): Datastore deletes it then, so
# the ledger does not grow with every job ever run; a capacity note's expireAt is when it stops
# holding, a pending create's when its last mark lapses. Enabling runs in the background.
for kind in "$ledger_kind" "$notes_kind" "$pending_kind"; do
  ttls=$(gcloud firestore fields ttls list --collection-group="$kind" \
    --database="$store_database" --project="$project" --format='value(name.basename())')
  if ! grep -qxF "$ledger_ttl_field" <<< "$ttls"; then
    gcloud firestore fields ttls update "$ledger_ttl_field" --collection-group="$kind" \
      --enable-ttl --async --database="$store_database" --project="$project"
  fi
done

say "secrets"
if ! exists secrets describe "$webhook_secret" --project="$project"; then
  openssl rand -hex 32 | tr -d '\n' \
    | gcloud secrets create "$webhook_secret" --data-file=- --replication-policy=automatic \
      --project="$project"
fi
if ! exists secrets describe "$app_key_secret" --project="$project"; then
  if [ -z "$key_file" ]; then
    echo "the GitHub App's private key is not stored yet: pass its .pem file as the 2nd argument," \
      "or register the App first with: deploy/setup.sh app $project ORGANIZATION" >&2
    exit 2
  fi
  gcloud secrets create "$app_key_secret" --data-file="$key_file" \
    --replication-policy=automatic --project="$project"
elif [ -n "$key_file" ]; then
  current=$(gcloud secrets versions access latest --secret="$app_key_secret" --project="$project")
  if [ "$current" != "$(cat "$key_file")" ]; then
    gcloud secrets versions add "$app_key_secret" --data-file="$key_file" --project="$project"
  fi
fi
# Each service reads only its own secret.
grant roles/secretmanager.secretAccessor "serviceAccount:$scheduler_sa" \
  secrets "$webhook_secret" --project="$project"
grant roles/secretmanager.secretAccessor "serviceAccount:$handler_sa" \
  secrets "$app_key_secret" --project="$project"

say "Cloud Scheduler job $reconcile_job"
# The safety net: every 5 minutes the handler deletes orphans and stuck VMs. The call carries the
# invoker's OIDC token, like a task's.
if ! exists scheduler jobs describe "$reconcile_job" --location="$region" --project="$project"; then
  gcloud scheduler jobs create http "$reconcile_job" --location="$region" --project="$project" \
    --schedule="*/5 * * * *" --http-method=POST --uri="$handler_url/tasks/reconcile" \
    --oidc-service-account-email="$invoker_sa" --oidc-token-audience="$handler_url" \
    --attempt-deadline=300s
fi

say "log-based metrics and the dashboard"
# Counters and distributions Cloud Monitoring charts (deploy/monitoring/metrics), counted over the
# fields both services write in their JSON log lines (common's LogFields): no metrics server,
# nothing added to the webhook's path. Each is installed with its definition's hash in its
# description (the dashboard's in a label), so a second run changes nothing and an edited file is
# installed again.
monitoring=$(cd "$(dirname "$0")" && pwd)/monitoring
definitions=$(mktemp -d)
trap 'rm -rf "$definitions"' EXIT
definition_hash() { sha256sum "$1" | cut -c1-16; }
for file in "$monitoring"/metrics/*.yaml; do
  metric=$(basename "$file" .yaml)
  hash=$(definition_hash "$file")
  sed "s/^description: \"\(.*\)\"$/description: \"\1 [definition $hash]\"/" "$file" \
    > "$definitions/$metric.yaml"
  if ! current=$(gcloud logging metrics describe "$metric" --project="$project" \
    --format='value(description)' 2> /dev/null); then
    gcloud logging metrics create "$metric" --config-from-file="$definitions/$metric.yaml" \
      --project="$project" > /dev/null
    echo "   created metric $metric"
  elif [[ "$current" != *"[definition $hash]" ]]; then
    gcloud logging metrics update "$metric" --config-from-file="$definitions/$metric.yaml" \
      --project="$project" > /dev/null
    echo "   updated metric $metric"
  fi
done
hash=$(definition_hash "$monitoring/dashboard.json")
sed "s/\"autorunner_definition\": \"\"/\"autorunner_definition\": \"$hash\"/" \
  "$monitoring/dashboard.json" > "$definitions/dashboard.json"
dashboards=$(gcloud monitoring dashboards list --project="$project" \
  --filter='displayName="autorunner"' \
  --format='csv[no-heading](name,labels.autorunner_definition)')
if [ -z "$dashboards" ]; then
  gcloud monitoring dashboards create --config-from-file="$definitions/dashboard.json" \
    --project="$project" > /dev/null
  echo "   created the autorunner dashboard"
elif ! grep -q ",$hash$" <<< "$dashboards"; then
  gcloud monitoring dashboards update "$(head -1 <<< "$dashboards" | cut -d, -f1)" \
    --config-from-file="$definitions/dashboard.json" --project="$project" > /dev/null
  echo "   updated the autorunner dashboard"
fi

cat << EOF

Done. Now build and deploy both services (about 10 minutes):

  gcloud builds submit --project=$project --region=$region --config=cloudbuild.yaml \\
    --substitutions=_REGION=$region,_REPOSITORY=$repository,_QUEUE=$queue,_NAME_PREFIX=$name_prefix,_RUNNER_NETWORK=$runner_network,_RUNNER_SUBNET=$runner_subnet,_GITHUB_APP_ID=YOUR_APP_ID,SHORT_SHA=\$(git rev-parse --short HEAD)

Optionally bake the runner images (Docker and the runner preinstalled: faster boots; ZONE is a
zone of $region with quota for one T4, which the GPU bake VM has):

  gcloud builds submit --project=$project --region=$region --config=cloudbuild-bake.yaml \\
    --substitutions=_ZONE=ZONE,_SUBNET=$runner_subnet

The dashboard: Monitoring → Dashboards → autorunner (https://console.cloud.google.com/monitoring/dashboards?project=$project).

Then paste these into your GitHub App (Settings → Developer settings → GitHub Apps → Webhook):

  Webhook URL:    $scheduler_url/webhook
  Webhook secret: the output of
    gcloud secrets versions access latest --secret=$webhook_secret --project=$project
EOF
