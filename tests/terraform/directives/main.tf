# A template that builds its branches with a `%{ for }` directive: only the
# `Branches` array is known at apply time, the rest is linted.
resource "aws_sfn_state_machine" "fanout" {
  name     = "fanout"
  role_arn = aws_iam_role.sfn.arn
  definition = templatefile("${path.module}/fanout.tpl", {
    regions = ["eu-west-1", "us-east-1"]
  })
}
