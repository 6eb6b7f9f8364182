import toolkit
