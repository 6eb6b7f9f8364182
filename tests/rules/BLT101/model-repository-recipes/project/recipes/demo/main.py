from transformers import AutoModelForCausalLM

model = AutoModelForCausalLM.from_pretrained("org/mymodel", trust_remote_code=True)
