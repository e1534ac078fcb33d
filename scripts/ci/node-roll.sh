#!/usr/bin/env bash
# Rolls an EKS cluster's managed node groups onto the newest EKS-optimized
# AL2023 AMI release for the cluster's Kubernetes version (ADR 0402):
#
#   scripts/ci/node-roll.sh CLUSTER REGION [--dry-run]
#
# One node group (one AZ) at a time: `aws eks update-nodegroup-version` drains
# and replaces the nodes within the group's update_config (maxUnavailable),
# honouring PodDisruptionBudgets, and the script waits for the group to be
# ACTIVE before the next, so every other zone keeps serving. A group already on
# the newest release is left alone. The node groups use an AMI type (no AMI id
# in their launch template), so the release version is not in OpenTofu's
# configuration and the roll causes no drift.
set -euo pipefail

usage() {
	echo "usage: scripts/ci/node-roll.sh CLUSTER REGION [--dry-run]" >&2
	exit 2
}
(($# == 2 || $# == 3)) || usage
cluster=$1 region=$2 dry_run=${3:-}
[[ -z $dry_run || $dry_run == --dry-run ]] || usage
[[ $cluster =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$ ]] || {
	echo "node-roll: bad cluster name '$cluster'" >&2
	exit 2
}
[[ $region =~ ^[a-z]{2}(-gov)?-[a-z]+-[0-9]$ ]] || {
	echo "node-roll: bad region '$region'" >&2
	exit 2
}

aws_() { aws --region "$region" --output text "$@"; }

k8s=$(aws_ eks describe-cluster --name "$cluster" --query cluster.version)
rolled=0
for ng in $(aws_ eks list-nodegroups --cluster-name "$cluster" --query 'nodegroups[]'); do
	read -r ami_type current < <(aws_ eks describe-nodegroup --cluster-name "$cluster" --nodegroup-name "$ng" \
		--query '[nodegroup.amiType, nodegroup.releaseVersion]')
	case $ami_type in
	AL2023_x86_64_STANDARD) arch=x86_64 ;;
	AL2023_ARM_64_STANDARD) arch=arm64 ;;
	*)
		echo "node-roll: $ng has AMI type $ami_type; only the AL2023 standard types are rolled here" >&2
		exit 1
		;;
	esac
	latest=$(aws_ ssm get-parameter \
		--name "/aws/service/eks/optimized-ami/$k8s/amazon-linux-2023/$arch/standard/recommended/release_version" \
		--query Parameter.Value)
	if [[ $current == "$latest" ]]; then
		echo "node-roll: $ng is on $current, the newest release for Kubernetes $k8s"
		continue
	fi
	echo "node-roll: $ng $current -> $latest"
	[[ -n $dry_run ]] && continue
	update=$(aws_ eks update-nodegroup-version --cluster-name "$cluster" --nodegroup-name "$ng" \
		--release-version "$latest" --query update.id)
	# Follow the update itself (not the group's status, which can still read
	# ACTIVE for a moment): Successful, or fail the roll on Failed/Cancelled.
	for ((i = 0; ; i++)); do
		status=$(aws_ eks describe-update --name "$cluster" --nodegroup-name "$ng" --update-id "$update" --query update.status)
		case $status in
		Successful) break ;;
		Failed | Cancelled)
			aws --region "$region" eks describe-update --name "$cluster" --nodegroup-name "$ng" --update-id "$update" --query update.errors >&2
			echo "node-roll: $ng update $update $status; the remaining groups are left as they are" >&2
			exit 1
			;;
		esac
		if ((i >= ${NODE_ROLL_MAX_POLLS:-120})); then
			echo "node-roll: $ng update $update still $status after ${NODE_ROLL_MAX_POLLS:-120} polls" >&2
			exit 1
		fi
		sleep "${NODE_ROLL_POLL_SECONDS:-30}"
	done
	echo "node-roll: $ng now on $latest"
	rolled=$((rolled + 1))
done
echo "node-roll: $cluster: $rolled node groups rolled"
