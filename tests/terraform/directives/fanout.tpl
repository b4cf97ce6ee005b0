{
  "StartAt": "All regions",
  "States": {
    "All regions": {
      "Type": "Parallel",
      "Branches": [
        %{ for i, region in regions ~}
        {
          "StartAt": "Sync ${region}",
          "States": {
            "Sync ${region}": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "sync", "Payload": {"region": "${region}"}}, "End": true}
          }
        }%{ if i < length(regions) - 1 },%{ endif }
        %{ endfor ~}
      ],
      "Next": "Notify"
    },
    "Notify": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sns:publish",
      "Parameters": {"TopicArn": "${topic}", "Message": ${jsonencode({status = "done"})}},
      "End": true,
      "Next": "Nowhere"
    }
  }
}
