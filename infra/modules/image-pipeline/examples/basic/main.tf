# Example: the hardened AL2023 image pipeline in the security VPC of one
# region, distributed to both prod regions. modules/access then reads
# module.image_pipeline.ami_ssm_parameter_name for the bastions and the jump
# host.

module "network" {
  source = "../../../network"

  name = "example-use1"
  azs  = ["us-east-1a", "us-east-1b", "us-east-1c"]
  vpc_cidrs = {
    security = "10.10.0.0/20"
    lb       = "10.20.0.0/20"
    app      = "10.100.0.0/16"
  }
}

module "image_pipeline" {
  source = "../.."

  name      = "org-app"
  vpc_id    = module.network.vpc_ids.security
  subnet_id = module.network.security_private_subnet_ids["us-east-1a"]

  distribution_regions = ["us-east-1", "us-west-2"]
  kubectl_version      = "1.36.1"

  tags = {
    Owner = "platform"
  }
}

output "ami_ssm_parameter_name" {
  description = "Pass to modules/access as bastion_ami_ssm_parameter and jump_host_ami_ssm_parameter."
  value       = module.image_pipeline.ami_ssm_parameter_name
}

output "image_pipeline_arn" {
  description = "Start the first build with aws imagebuilder start-image-pipeline-execution."
  value       = module.image_pipeline.image_pipeline_arn
}
