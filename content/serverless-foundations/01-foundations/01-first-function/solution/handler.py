"""The hello function: greet whoever the event names."""


def lambda_handler(event, context):
    """Lambda calls this once per invocation.

    event: the test event you invoke with, already turned into a dict, e.g. {"name": "Ada"}.
    context: facts about this invocation (request id, time left); not needed here.
    """
    print("event received:", event)
    return {"message": f"Hello, {event['name']}!"}
