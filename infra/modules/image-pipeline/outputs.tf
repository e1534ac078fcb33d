output "ami_ssm_parameter_name" {
  description = "SSM parameter holding the newest hardened AMI id in every distribution region: pass it to modules/access as bastion_ami_ssm_parameter and jump_host_ami_ssm_parameter."
  value       = var.ami_ssm_parameter_name
}

output "ami_ssm_parameter_arns" {
  description = "ARN of that parameter in each distribution region."
  value       = local.ssm_parameter_arns
}

output "distribution_regions" {
  description = "Regions the image is distributed to."
  value       = local.distribution_regions
}

output "image_pipeline_arn" {
  description = "Image pipeline ARN (start a build now: aws imagebuilder start-image-pipeline-execution --image-pipeline-arn <arn>)."
  value       = aws_imagebuilder_image_pipeline.this.arn
}

output "image_recipe_arn" {
  description = "Image recipe ARN (its version changes with any component or parent-image change)."
  value       = aws_imagebuilder_image_recipe.this.arn
}

output "recipe_components" {
  description = "The recipe's components in build order (name or ARN): update-linux, hardening, clamav, [kubectl], [extra], aide, tests."
  value       = [for s in local.recipe_steps : s.name]
}

output "component_arns" {
  description = "Own component ARN by key (hardening, clamav, aide, tests, kubectl when enabled)."
  value       = { for k, c in aws_imagebuilder_component.this : k => c.arn }
}

output "build_security_group_id" {
  description = "Security group of the build and test instances (egress TCP 443 only, no ingress)."
  value       = aws_security_group.build.id
}

output "security_group_rules" {
  description = "Every rule of the build security group: { direction, protocol, port, peer }."
  value = {
    for k, r in local.egress_rules : k => { direction = "egress", protocol = "tcp", port = 443, peer = coalesce(r.cidr, r.prefix_list) }
  }
}

output "instance_role_name" {
  description = "Role of the build and test instances (EC2InstanceProfileForImageBuilder + AmazonSSMManagedInstanceCore only)."
  value       = aws_iam_role.instance.name
}

output "execution_role_arn" {
  description = "Role Image Builder assumes to run the pipeline."
  value       = aws_iam_role.execution.arn
}

output "build_log_group_name" {
  description = "CloudWatch log group of the build and test logs."
  value       = aws_cloudwatch_log_group.build.name
}
