"""Your first Lambda function."""


def lambda_handler(event, context):
    # TODO: return a dict like {"message": "Hello, Ada!"} using the "name" in the event.
    print("Received event:", event)
    return {"message": "TODO"}
