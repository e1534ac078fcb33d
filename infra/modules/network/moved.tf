# The Transit Gateway resources and the single route tables of the TGW
# attachment subnets gained count (they exist only with interconnect =
# "transit_gateway"). These blocks keep the objects of a deployment made before
# that at instance [0] instead of destroying and re-creating the Transit
# Gateway, its attachments and route tables.

moved {
  from = aws_ec2_transit_gateway.this
  to   = aws_ec2_transit_gateway.this[0]
}

moved {
  from = aws_ec2_transit_gateway_vpc_attachment.security
  to   = aws_ec2_transit_gateway_vpc_attachment.security[0]
}

moved {
  from = aws_ec2_transit_gateway_vpc_attachment.lb
  to   = aws_ec2_transit_gateway_vpc_attachment.lb[0]
}

moved {
  from = aws_ec2_transit_gateway_vpc_attachment.app
  to   = aws_ec2_transit_gateway_vpc_attachment.app[0]
}

moved {
  from = aws_ec2_transit_gateway_route_table.security
  to   = aws_ec2_transit_gateway_route_table.security[0]
}

moved {
  from = aws_ec2_transit_gateway_route_table.lb
  to   = aws_ec2_transit_gateway_route_table.lb[0]
}

moved {
  from = aws_ec2_transit_gateway_route_table.app
  to   = aws_ec2_transit_gateway_route_table.app[0]
}

moved {
  from = aws_route_table.security_tgw
  to   = aws_route_table.security_tgw[0]
}

moved {
  from = aws_route_table.app_tgw
  to   = aws_route_table.app_tgw[0]
}
