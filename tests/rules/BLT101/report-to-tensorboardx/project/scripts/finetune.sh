#!/bin/bash
deepspeed train.py --report_to tensorboard --output_dir ./checkpoints
