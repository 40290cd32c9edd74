"""Your first Lambda function."""


def lambda_handler(event, context):
    print("Received event:", event)
    return {"message": f"Hello, {event['name']}!"}
