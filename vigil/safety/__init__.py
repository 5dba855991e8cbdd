"""Safety rules that run on what people send to Vigil: the text guard (textguard.py) and its Django validator."""
