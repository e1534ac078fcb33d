# The executor in an existing VPC with an S3 gateway endpoint, interface
# endpoints and a private EKS cluster (infra/stacks/region wires it to the
# network and eks modules' outputs).
provider "aws" {
  region = "us-east-1"
}

module "deploy_executor" {
  source = "../.."

  name                      = "org-app-dev-use1"
  vpc_id                    = "vpc-0123456789abcdef0"
  vpc_cidr                  = "10.100.0.0/16"
  subnet_ids                = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"]
  vpc_endpoint_cidrs        = ["10.100.96.0/24"]
  s3_prefix_list_id         = "pl-63a5400a"
  cluster_security_group_id = "sg-0123456789abcdef0"
  ecr_repository_names      = ["org-app"]
  ecr_pull_through_prefixes = ["ecr-public", "k8s", "ghcr"]

  tags = { Environment = "dev" }
}

output "project_name" {
  value = module.deploy_executor.project_name
}

output "bucket_name" {
  value = module.deploy_executor.bucket_name
}

output "log_group_name" {
  value = module.deploy_executor.log_group_name
}
